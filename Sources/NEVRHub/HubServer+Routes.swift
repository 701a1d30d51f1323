import Hummingbird
import HummingbirdWebSocket

extension HubServer {
    /// Adds the hub's `GET /subscribe` endpoint (WebSocket; same token, query checks, queues and
    /// slow-subscriber policy as ``run(onRunning:)``) to routers another server owns, so that
    /// server speaks the hub's subscriber protocol on its own port: the overlay server serves
    /// its pages and their live feed from one origin this way.
    ///
    /// ```swift
    /// let hubServer = HubServer(configuration: .init(hub: hubConfig))
    /// hubServer.addSubscribeRoute(http: router, webSocket: wsRouter)
    /// hubServer.hub.publish(frame)   // reaches every subscriber of the other server
    /// ```
    public func addSubscribeRoute(
        http router: Router<BasicWebSocketRequestContext>, webSocket wsRouter: Router<BasicWebSocketRequestContext>
    ) {
        router.get("subscribe") { [self] request, _ -> Response in
            try authorize(request)
            _ = try subscription(from: request)
            throw HTTPError(.upgradeRequired, message: "GET /subscribe is a WebSocket endpoint")
        }
        wsRouter.ws("subscribe") { [self] request, _ in
            try authorize(request)
            _ = try subscription(from: request)
            return .upgrade([:])
        } onUpgrade: { [self] inbound, outbound, context in
            let subscription = try subscription(from: context.request)
            try await handleSubscriber(subscription, inbound: inbound, outbound: outbound)
        }
    }
}

/// A first-in first-out buffer: an array with a moving head, compacted now and then, so that
/// taking from the front is amortised O(1) without a Deque dependency.
struct FIFOBuffer<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func append(_ e: Element) { storage.append(e) }

    /// The element `offset` places from the front.
    subscript(offset: Int) -> Element { storage[head + offset] }

    /// The elements from the front, in order.
    var elements: ArraySlice<Element> { storage[head...] }

    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let e = storage[head]
        removeFirst(1)
        return e
    }

    mutating func removeFirst(_ n: Int) {
        head += min(n, storage.count - head)
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }
}

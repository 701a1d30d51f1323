import ArgumentParser

@main
struct NEVR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nevr",
        abstract: "Record, convert, inspect, stream and analyse Echo VR (NEVR) telemetry.",
        version: NEVRVersion.string,
        subcommands: [
            InspectCommand.self,
            ConvertCommand.self,
            VerifyCommand.self,
            CatCommand.self,
            EventsCommand.self,
            AccuracyCommand.self,
            RecordCommand.self,
            SimulateCommand.self,
            DemoCommand.self,
            ServeCommand.self,
            HubCommand.self,
            WatchCommand.self,
            StreamCommand.self,
            OverlayCommand.self,
            ArchiveCommand.self,
        ]
    )
}

enum NEVRVersion {
    static let string = "0.1.0"
}

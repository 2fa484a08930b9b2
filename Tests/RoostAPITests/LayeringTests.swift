import Foundation
import Testing

/// The dependency rule of ../shared/ARCHITECTURE.md, checked on the import lines of Sources/: a
/// target imports only targets of a lower layer, plus Storage → Images, Runtime → Storage and
/// Runtime → Images; nothing but executables imports Daemon.
@Suite struct LayeringTests {
    static let layers: [String: Int] = [
        "RoostAPI": 0, "RaftCore": 0, "CSQLite": 0, "CRuntime": 0,
        "Scheduler": 1, "ClusterDB": 1, "Runtime": 1, "Storage": 1, "Networking": 1, "Images": 1, "RoostClient": 1,
        "ClusterNode": 2, "Migration": 2, "RaftSim": 2,
        "Daemon": 3,
    ]
    static let sameLayerEdges: Set<String> = ["Storage->Images", "Runtime->Storage", "Runtime->Images"]
    static let executables: Set<String> = ["roostd", "roost", "roost-nsexec", "roost-bench", "roost-sim"]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }

    static func imports(of target: String) throws -> Set<String> {
        let directory = sources.appendingPathComponent(target)
        var found: Set<String> = []
        guard let files = FileManager.default.enumerator(atPath: directory.path) else { return found }
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                    words[..<index].allSatisfy({
                        $0.hasPrefix("@") || ["public", "internal", "package", "private", "fileprivate"].contains($0)
                    })
                else { continue }
                found.insert(words[index + 1].split(separator: ".").first.map(String.init) ?? words[index + 1])
            }
        }
        return found
    }

    @Test func everyTargetDirectoryIsKnown() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
        for target in targets where !target.hasPrefix(".") {
            #expect(
                Self.layers[target] != nil || Self.executables.contains(target),
                "\(target) has no layer in ARCHITECTURE.md")
        }
    }

    @Test func importsFollowTheLayering() throws {
        for (target, layer) in Self.layers {
            for imported in try Self.imports(of: target) {
                guard let importedLayer = Self.layers[imported] else { continue }
                let allowed = importedLayer < layer || Self.sameLayerEdges.contains("\(target)->\(imported)")
                #expect(allowed, "\(target) (layer \(layer)) must not import \(imported) (layer \(importedLayer))")
            }
        }
    }
}

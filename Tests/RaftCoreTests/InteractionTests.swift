import Foundation
import Testing

/// Runs every `testdata/*.txt` scenario and compares each command's output with the golden
/// text. `ROOST_REWRITE_GOLDEN=1 swift test --filter InteractionTests` rewrites the files.
@Suite struct InteractionTests {
    static var testdata: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")
    }

    static var scenarios: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: testdata.path)) ?? []).filter { $0.hasSuffix(".txt") }
            .sorted()
    }

    @Test(arguments: scenarios)
    func scenario(_ name: String) throws {
        let url = Self.testdata.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let script = try ScenarioScript(text: text)
        let header =
            text.components(separatedBy: "\n").prefix { $0.hasPrefix("#") }.map { $0 + "\n" }.joined()
            + (text.hasPrefix("#") ? "\n" : "")
        let environment = InteractionEnvironment()
        var rendered: [(block: ScenarioScript.Block, output: String)] = []
        for block in script.blocks {
            let output = try environment.handle(block)
            rendered.append((block, output))
            if ProcessInfo.processInfo.environment["ROOST_REWRITE_GOLDEN"] == nil {
                #expect(
                    output.isEmpty ? block.expected == "ok" : output == block.expected,
                    "\(name): \(block.line)\n--- got:\n\(output)\n--- want:\n\(block.expected)")
            }
        }
        if ProcessInfo.processInfo.environment["ROOST_REWRITE_GOLDEN"] != nil {
            try ScenarioScript.render(rendered, header: header).write(to: url, atomically: true, encoding: .utf8)
        }
    }
}

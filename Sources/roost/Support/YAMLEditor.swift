import Foundation
import RoostAPI
import Yams

/// The `edit` commands' workflow, as in `lxc`: when stdin is not a terminal the new YAML is read
/// from stdin; otherwise the current YAML opens in `$VISUAL`/`$EDITOR` (else `editor`, `vi`,
/// `emacs` or `nano` from `PATH`), and a text that fails to parse or apply re-opens the editor
/// after Enter (Ctrl+C abandons the change).
enum YAMLEditor {
    /// Runs the workflow; `apply` decodes the YAML and sends it, throwing on failure.
    static func edit(current: String, header: String, apply: (String) async throws -> Void) async throws {
        if !Terminal.stdinIsTTY {
            try await apply(Terminal.readStandardInput())
            return
        }
        var text = header + current
        while true {
            text = try openEditor(text)
            do {
                try await apply(text)
                return
            } catch {
                let message = (error as? RoostError)?.description ?? (error as? CLIError)?.message ?? "\(error)"
                Terminal.writeError("Config parsing error: \(message)")
                Terminal.writeError("Press enter to open the editor again or ctrl+c to abort change")
                guard readLine() != nil else { throw error }
            }
        }
    }

    /// Decodes YAML into a value, with a readable error.
    static func decode<T: Decodable>(_ type: T.Type, from yaml: String) throws(CLIError) -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: yaml.isEmpty ? "{}" : yaml)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// Opens the editor on `text` in a temporary file and returns what it saved.
    static func openEditor(_ text: String) throws(CLIError) -> String {
        let editor = try findEditor()
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("roost_editor_\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", editor + " \"$1\"", "sh", path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CLIError("The editor exited with status \(process.terminationStatus)")
            }
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("Failed to run the editor: \(error)")
        }
    }

    private static func findEditor() throws(CLIError) -> String {
        let environment = ProcessInfo.processInfo.environment
        for name in ["VISUAL", "EDITOR"] {
            if let editor = environment[name], !editor.isEmpty { return editor }
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for candidate in ["editor", "vi", "emacs", "nano"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(candidate)")
            {
                return candidate
            }
        }
        throw CLIError("No text editor found, please set the EDITOR environment variable")
    }
}

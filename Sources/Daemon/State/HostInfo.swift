import Foundation
import RoostAPI

/// Facts about the host for `GET /1.0`'s `environment`, read on each access (`uname` and one
/// small file: cheap, and a kernel or OS upgrade under a running daemon shows).
enum HostInfo {
    static var architecture: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static var kernelVersion: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// `NAME` and `VERSION_ID` from /etc/os-release.
    static var operatingSystem: (name: String, version: String) {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return ("", "") }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return (fields["NAME"] ?? "", fields["VERSION_ID"] ?? "")
    }

    static func environment(memberName: String, version: String) -> ServerEnvironment {
        let os = operatingSystem
        let arch = architecture
        return ServerEnvironment(
            addresses: [], architectures: arch == "x86_64" ? ["x86_64", "i686"] : [arch], driver: "roost",
            driverVersion: version, firewall: "nftables", kernel: "Linux", kernelArchitecture: arch,
            kernelVersion: kernelVersion, osName: os.name, osVersion: os.version, project: "default", server: "roost",
            serverClustered: false, serverEventMode: "full-mesh", serverName: memberName, serverPid: Int(getpid()),
            serverVersion: version, storage: "", storageVersion: "", storageSupportedDrivers: [])
    }
}

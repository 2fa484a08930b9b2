/// `JSONWritable` for the objects of large list responses. Keys are written in sorted order.
extension Instance: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { m in
            m.member("architecture") { $0.string(architecture) }
            if isFull { m.member("backups") { w in backups.map { w.array($0) { $0.value($1) } } ?? w.null() } }
            m.member("config") { $0.stringMap(config) }
            m.member("created_at") { $0.write(createdAt) }
            m.member("description") { $0.string(description) }
            m.member("devices") { $0.devices(devices) }
            m.member("ephemeral") { $0.bool(ephemeral) }
            m.member("expanded_config") { $0.stringMap(expandedConfig) }
            m.member("expanded_devices") { $0.devices(expandedDevices) }
            m.member("last_used_at") { $0.write(lastUsedAt) }
            m.member("location") { $0.string(location) }
            m.member("name") { $0.string(name) }
            m.member("profiles") { $0.strings(profiles) }
            m.member("project") { $0.string(project) }
            if isFull { m.member("snapshots") { w in snapshots.map { w.array($0) { $0.value($1) } } ?? w.null() } }
            if isFull { m.member("state") { w in state.map { $0.write(to: &w) } ?? w.null() } }
            m.member("stateful") { $0.bool(stateful) }
            m.member("status") { $0.string(status) }
            m.member("status_code") { $0.int(statusCode) }
            m.member("type") { $0.string(type) }
        }
    }
}

extension InstanceState: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { m in
            m.member("cpu") { w in
                w.object { c in for key in cpu.keys.sorted() { c.member(key) { $0.int(cpu[key] ?? 0) } } }
            }
            m.member("disk") { $0.value(.object(disk)) }
            m.member("memory") { w in
                w.object { c in for key in memory.keys.sorted() { c.member(key) { $0.int(memory[key] ?? 0) } } }
            }
            m.member("network") { w in network.map { w.value(.object($0)) } ?? w.null() }
            m.member("pid") { $0.int(pid) }
            m.member("processes") { $0.int(processes) }
            m.member("status") { $0.string(status) }
            m.member("status_code") { $0.int(statusCode) }
        }
    }
}

extension Profile: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { m in
            m.member("config") { $0.stringMap(config) }
            m.member("description") { $0.string(description) }
            m.member("devices") { $0.devices(devices) }
            m.member("name") { $0.string(name) }
            m.member("used_by") { $0.strings(usedBy) }
        }
    }
}

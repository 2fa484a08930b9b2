extension ConfigKeyTable {
    /// The LXD 5.0 instance option table, shared by instances and profiles.
    ///
    /// Container-only and VM-only keys are both listed: like LXD's check for "any instance type",
    /// the table does not depend on the instance type. Profiles additionally refuse `volatile.*`
    /// (see `ConfigKeys`).
    static let instance = ConfigKeyTable(
        keys: [
            // Boot
            "boot.autostart": .bool,
            "boot.autostart.delay": .int64,
            "boot.autostart.priority": .int64,
            "boot.host_shutdown_timeout": .int64,
            "boot.stop.priority": .int64,

            // cloud-init (the user.* forms are the legacy spellings; user.* is free-form anyway)
            "cloud-init.network-config": .string,
            "cloud-init.user-data": .string,
            "cloud-init.vendor-data": .string,
            "user.network-config": .string,
            "user.user-data": .string,
            "user.vendor-data": .string,

            // Miscellaneous
            "agent.nic_config": .bool,
            "cluster.evacuate": .oneOf(["auto", "migrate", "live-migrate", "stop"]),
            "linux.kernel_modules": .string,

            // Resource limits
            "limits.cpu": .cpuSet,
            "limits.cpu.allowance": .cpuAllowance,
            "limits.cpu.priority": .priority,
            "limits.disk.priority": .priority,
            "limits.hugepages.64KB": .byteSize,
            "limits.hugepages.1MB": .byteSize,
            "limits.hugepages.2MB": .byteSize,
            "limits.hugepages.1GB": .byteSize,
            "limits.memory": .memoryLimit,
            "limits.memory.enforce": .oneOf(["soft", "hard"]),
            "limits.memory.hugepages": .bool,
            "limits.memory.swap": .bool,
            "limits.memory.swap.priority": .priority,
            "limits.network.priority": .priority,
            "limits.processes": .int64,

            // Migration
            "migration.incremental.memory": .bool,
            "migration.incremental.memory.goal": .uint32,
            "migration.incremental.memory.iterations": .uint32,
            "migration.stateful": .bool,

            // NVIDIA and CUDA
            "nvidia.driver.capabilities": .string,
            "nvidia.require.cuda": .string,
            "nvidia.require.driver": .string,
            "nvidia.runtime": .bool,

            // Raw overrides (their consumers validate the content)
            "raw.apparmor": .string,
            "raw.idmap": .string,
            "raw.lxc": .string,
            "raw.qemu": .string,
            "raw.seccomp": .string,

            // Security
            "security.agent.metrics": .bool,
            "security.csm": .bool,
            "security.devlxd": .bool,
            "security.devlxd.images": .bool,
            "security.idmap.base": .uint32,
            "security.idmap.isolated": .bool,
            "security.idmap.size": .uint32,
            "security.nesting": .bool,
            "security.privileged": .bool,
            "security.protection.delete": .bool,
            "security.protection.shift": .bool,
            "security.secureboot": .bool,
            "security.sev": .bool,
            "security.sev.policy.es": .bool,
            "security.sev.session.data": .string,
            "security.sev.session.dh": .string,
            "security.syscalls.allow": .string,
            "security.syscalls.deny": .string,
            "security.syscalls.deny_compat": .bool,
            "security.syscalls.deny_default": .bool,
            "security.syscalls.intercept.bpf": .bool,
            "security.syscalls.intercept.bpf.devices": .bool,
            "security.syscalls.intercept.mknod": .bool,
            "security.syscalls.intercept.mount": .bool,
            "security.syscalls.intercept.mount.allowed": .string,
            "security.syscalls.intercept.mount.fuse": .string,
            "security.syscalls.intercept.mount.shift": .bool,
            "security.syscalls.intercept.sched_setscheduler": .bool,
            "security.syscalls.intercept.setxattr": .bool,
            "security.syscalls.intercept.sysinfo": .bool,
            // Deprecated spellings LXD 5.0 still accepts.
            "security.syscalls.blacklist": .string,
            "security.syscalls.blacklist_compat": .bool,
            "security.syscalls.blacklist_default": .bool,
            "security.syscalls.whitelist": .string,

            // Snapshots
            "snapshots.expiry": .expiry,
            "snapshots.pattern": .string,
            "snapshots.schedule": .cronSchedule,
            "snapshots.schedule.stopped": .bool,

            // Volatile keys with a checked value; any other volatile.* is free-form (see below).
            "volatile.cloud-init.instance-id": .uuid,
            "volatile.uuid": .uuid,
            "volatile.vsock_id": .int64,
        ],
        prefixes: [
            PrefixRule(prefix: "environment.", type: .string),
            PrefixRule(prefix: "image.", type: .string),
            PrefixRule(prefix: "limits.kernel.", type: .kernelLimit, requiresSuffix: true),
            PrefixRule(prefix: "linux.sysctl.", type: .string, requiresSuffix: true),
            PrefixRule(prefix: "user.", type: .string),
            PrefixRule(prefix: "volatile.", type: .string, requiresSuffix: true),
        ]
    )
}

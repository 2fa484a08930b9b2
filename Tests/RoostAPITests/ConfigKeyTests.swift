import Testing

@testable import RoostAPI

/// Runs `validate(key:value:scope:)` and returns the error message, or nil when accepted.
private func rejection(_ key: String, _ value: String, _ scope: ConfigScope = .instance) -> String? {
    do {
        try ConfigKeys.validate(key: key, value: value, scope: scope)
        return nil
    } catch {
        #expect(error.code == .badRequest)
        return error.message
    }
}

private func accepts(_ key: String, _ value: String, _ scope: ConfigScope = .instance) -> Bool {
    rejection(key, value, scope) == nil
}

@Suite("Configuration keys")
struct ConfigKeyTests {
    // MARK: Byte sizes

    @Test(
        "ByteSize parses LXD units",
        arguments: [
            ("256MiB", Int64(268_435_456)),
            ("1GB", 1_000_000_000),
            ("512kB", 512_000),
            ("100", 100),
            ("100B", 100),
            ("100 bytes", 100),
            ("2GiB", 2_147_483_648),
            ("1KiB", 1024),
            ("3TB", 3_000_000_000_000),
            ("1TiB", 1 << 40),
            ("1PB", 1_000_000_000_000_000),
            ("1PiB", 1 << 50),
            ("1EB", 1_000_000_000_000_000_000),
            ("7EiB", 7 << 60),
            ("", 0),
        ])
    func byteSizeAccepts(input: String, bytes: Int64) throws {
        #expect(try ByteSize.parse(input) == bytes)
    }

    /// LXD reads only leading digits as the number, so fractions, signs, spaces and other
    /// capitalisations of the units are refused, as is anything that overflows Int64.
    @Test(
        "ByteSize rejects what LXD rejects",
        arguments: [
            "1.5GiB", "1KB", "1kb", "1b", "1 GB", "-1", "+1", "GiB", "abc", "1GiB ", "8EiB",
            "99999999999999999999",
        ]
    )
    func byteSizeRejects(input: String) {
        #expect(throws: RoostError.self) { try ByteSize.parse(input) }
    }

    @Test func byteSizeErrorMessage() {
        do {
            _ = try ByteSize.parse("1.5GiB")
            Issue.record("1.5GiB was accepted")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.message == "Invalid value \"1.5GiB\"")
        }
    }

    // MARK: Value types

    @Test(arguments: ["true", "false", "yes", "no", "on", "off", "1", "0", "TRUE", "Off", "Yes"])
    func boolAccepts(value: String) {
        #expect(accepts("security.nesting", value))
    }

    @Test func boolRejects() {
        #expect(
            rejection("security.nesting", "maybe")
                == "Invalid value for configuration key \"security.nesting\": Invalid value for a boolean \"maybe\""
        )
        #expect(!accepts("boot.autostart", "2"))
    }

    @Test func integers() {
        #expect(accepts("boot.autostart.priority", "10"))
        #expect(accepts("boot.autostart.priority", "-3"))
        #expect(accepts("limits.processes", "500"))
        #expect(!accepts("limits.processes", "lots"))
        #expect(!accepts("boot.autostart.delay", "1.5"))
        #expect(!accepts("boot.host_shutdown_timeout", "30s"))
        // uint32
        #expect(accepts("security.idmap.size", "65536"))
        #expect(!accepts("security.idmap.size", "-1"))
        #expect(!accepts("security.idmap.base", "4294967296"))
        #expect(accepts("migration.incremental.memory.goal", "70"))
    }

    @Test func priorities() {
        for value in ["0", "5", "10"] {
            #expect(accepts("limits.cpu.priority", value))
            #expect(accepts("limits.disk.priority", value))
            #expect(accepts("limits.network.priority", value))
            #expect(accepts("limits.memory.swap.priority", value))
        }
        #expect(
            rejection("limits.disk.priority", "11")
                == "Invalid value for configuration key \"limits.disk.priority\": Invalid value for a limit \"11\". Must be between 0 and 10"
        )
        #expect(!accepts("limits.cpu.priority", "-1"))
        #expect(!accepts("limits.cpu.priority", "high"))
    }

    @Test func memoryLimit() {
        #expect(accepts("limits.memory", "50%"))
        #expect(accepts("limits.memory", "100%"))
        #expect(accepts("limits.memory", "256MiB"))
        #expect(accepts("limits.memory", "1GB"))
        #expect(accepts("limits.memory", "1073741824"))
        #expect(
            rejection("limits.memory", "abc")
                == "Invalid value for configuration key \"limits.memory\": Invalid value \"abc\"")
        #expect(!accepts("limits.memory", "0"))
        #expect(!accepts("limits.memory", "0%"))
        #expect(!accepts("limits.memory", "half%"))
        #expect(!accepts("limits.memory", "1.5GiB"))
    }

    @Test func hugepagesAreByteSizes() {
        #expect(accepts("limits.hugepages.2MB", "1GiB"))
        #expect(accepts("limits.hugepages.1GB", "4GB"))
        #expect(!accepts("limits.hugepages.64KB", "lots"))
    }

    @Test func cpuLimit() {
        for value in ["1", "2", "0-3", "0-3,5", "0,2,4", "1-2,4-7"] {
            #expect(accepts("limits.cpu", value), "\(value)")
        }
        for value in ["a", "-1", "1-", ",1", "1,", "1--2", "1-2-3", "0-3,,5", "2.5", "3-1"] {
            #expect(!accepts("limits.cpu", value), "\(value)")
        }
    }

    @Test func cpuAllowance() {
        for value in ["50%", "100%", "25ms/100ms", "25/100", "10ms/100"] {
            #expect(accepts("limits.cpu.allowance", value), "\(value)")
        }
        for value in ["x%", "25ms", "25ms/", "/100ms", "25s/100s", "fast"] {
            #expect(!accepts("limits.cpu.allowance", value), "\(value)")
        }
    }

    @Test func enums() {
        #expect(accepts("limits.memory.enforce", "hard"))
        #expect(accepts("limits.memory.enforce", "soft"))
        #expect(
            rejection("limits.memory.enforce", "medium")
                == "Invalid value for configuration key \"limits.memory.enforce\": Invalid value \"medium\" (not one of soft, hard)"
        )
        #expect(!accepts("limits.memory.enforce", "HARD"))
        for value in ["auto", "migrate", "live-migrate", "stop"] {
            #expect(accepts("cluster.evacuate", value))
        }
        #expect(!accepts("cluster.evacuate", "evaporate"))
        #expect(accepts("security.syscalls.intercept.mount.shift", "true"))
        #expect(!accepts("security.syscalls.intercept.mount.shift", "ext4"))
    }

    @Test(
        "Snapshot schedules LXD accepts",
        arguments: [
            "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@annually", "@yearly",
            "@startup",
            "@never", "@DAILY", "0 6 * * *", "*/15 * * * *", "0 0-5,22 1 jan-mar mon-fri",
            "30 2 * * 0",
            "5/10 * ? * *", "@hourly, 0 1 * * 0",
        ])
    func scheduleAccepts(value: String) {
        #expect(accepts("snapshots.schedule", value))
    }

    @Test(
        "Snapshot schedules LXD rejects",
        arguments: [
            "@every 1h", "@fortnightly", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *", "* * * * 7", "*/0 * * * *", "5-1 * * * *", "a * * * *", "*  * * * *",
            "@daily,0 1 * * 0",
        ])
    func scheduleRejects(value: String) {
        #expect(!accepts("snapshots.schedule", value))
    }

    @Test func snapshotExpiry() {
        #expect(accepts("snapshots.expiry", "1M 2H 3d 4w 5m 6y"))
        #expect(accepts("snapshots.expiry", "2w"))
        #expect(!accepts("snapshots.expiry", "2 weeks"))
        #expect(!accepts("snapshots.expiry", "1d 2d"))
        #expect(!accepts("snapshots.expiry", "d"))
        #expect(accepts("snapshots.pattern", "snap-{{ creation_date|date:'2006-01-02' }}"))
    }

    @Test func kernelLimits() {
        #expect(accepts("limits.kernel.nofile", "3000"))
        #expect(accepts("limits.kernel.memlock", "unlimited"))
        #expect(accepts("limits.kernel.core", "0:unlimited"))
        #expect(!accepts("limits.kernel.nofile", "lots"))
        #expect(!accepts("limits.kernel.nofile", "-1"))
        #expect(!accepts("limits.kernel.nofile", "1:2:3"))
        #expect(!ConfigKeys.isKnown("limits.kernel.", scope: .instance))
    }

    @Test func freeStrings() {
        #expect(accepts("raw.lxc", "lxc.apparmor.profile = unconfined\nlxc.mount.auto = proc:rw"))
        #expect(accepts("raw.idmap", "both 1000 1000"))
        #expect(accepts("linux.kernel_modules", "overlay,nf_nat"))
        #expect(accepts("environment.http_proxy", "http://proxy:3128"))
        #expect(accepts("image.os", "Ubuntu"))
        #expect(accepts("cloud-init.user-data", "#cloud-config\npackages: [htop]"))
        #expect(accepts("security.syscalls.intercept.mount.fuse", "ext4=squashfuse"))
    }

    // MARK: Keys

    @Test func unknownKey() {
        #expect(rejection("foo.bar", "1") == "Unknown configuration key: foo.bar")
        #expect(rejection("limits.memroy", "1GiB") == "Unknown configuration key: limits.memroy")
        #expect(!ConfigKeys.isKnown("foo.bar", scope: .instance))
        #expect(!ConfigKeys.isKnown("security.unknown", scope: .profile))
    }

    @Test func userKeysAreFreeForm() {
        for scope in ConfigScope.allCases {
            #expect(accepts("user.anything", "any value at all", scope))
            #expect(accepts("user.user-data", "#cloud-config", scope))
            #expect(ConfigKeys.isKnown("user.my.deep.key", scope: scope))
        }
    }

    @Test func volatileKeys() {
        #expect(accepts("volatile.eth0.hwaddr", "00:16:3e:12:34:56"))
        #expect(accepts("volatile.last_state.power", "RUNNING"))
        #expect(accepts("volatile.uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        #expect(!accepts("volatile.uuid", "not-a-uuid"))
        #expect(ConfigKeys.isKnown("volatile.base_image", scope: .instance))

        #expect(
            rejection("volatile.eth0.hwaddr", "00:16:3e:12:34:56", .profile)
                == "Volatile keys can only be set on instances")
        #expect(
            rejection("volatile.uuid", "", .profile) == "Volatile keys can only be set on instances"
        )
        #expect(!ConfigKeys.isKnown("volatile.base_image", scope: .profile))
        #expect(!ConfigKeys.isKnown("volatile.uuid", scope: .server))
    }

    @Test func profilesShareTheInstanceTable() {
        #expect(accepts("limits.memory", "50%", .profile))
        #expect(!accepts("limits.memory", "abc", .profile))
        #expect(rejection("foo.bar", "1", .profile) == "Unknown configuration key: foo.bar")
    }

    @Test func emptyValueMeansUnset() {
        for key in ConfigKeyTable.instance.keys.keys {
            #expect(accepts(key, ""), "\(key)")
        }
        for key in ConfigKeyTable.server.keys.keys {
            #expect(accepts(key, "", .server), "\(key)")
        }
        #expect(accepts("limits.kernel.nofile", ""))
    }

    @Test func everyListedKeyIsKnown() {
        for key in ConfigKeyTable.instance.keys.keys {
            #expect(ConfigKeys.isKnown(key, scope: .instance))
            #expect(ConfigKeys.isKnown(key, scope: .profile) == !key.hasPrefix("volatile."))
            #expect(!ConfigKeys.isKnown(key, scope: .server) || key.hasPrefix("user."))
        }
        for key in ConfigKeyTable.server.keys.keys {
            #expect(ConfigKeys.isKnown(key, scope: .server))
        }
    }

    @Test func wholeMapReportsFirstErrorInSortedOrder() {
        let config = [
            "security.nesting": "perhaps",
            "limits.memory": "abc",
            "zzz.unknown": "1",
            "boot.autostart": "true",
        ]
        do {
            try ConfigKeys.validate(config, scope: .instance)
            Issue.record("invalid map was accepted")
        } catch {
            #expect(
                error.message
                    == "Invalid value for configuration key \"limits.memory\": Invalid value \"abc\""
            )
        }
        let good = [
            "limits.cpu": "2", "limits.memory": "512MiB", "security.privileged": "false",
            "user.note": "hi", "snapshots.schedule": "@daily", "environment.TZ": "UTC",
        ]
        #expect(throws: Never.self) { try ConfigKeys.validate(good, scope: .instance) }
        #expect(throws: Never.self) { try ConfigKeys.validate(good, scope: .profile) }
        #expect(throws: Never.self) { try ConfigKeys.validate([:], scope: .server) }
    }

    // MARK: Server scope

    @Test(
        "Known server keys",
        arguments: [
            "backups.compression_algorithm", "cluster.https_address", "cluster.healing_threshold",
            "cluster.images_minimal_replica", "cluster.join_token_expiry", "cluster.max_standby",
            "cluster.max_voters", "cluster.offline_threshold", "core.bgp_address", "core.bgp_asn",
            "core.bgp_routerid", "core.debug_address", "core.dns_address", "core.https_address",
            "core.https_allowed_credentials", "core.https_allowed_headers",
            "core.https_allowed_methods",
            "core.https_allowed_origin", "core.https_trusted_proxy", "core.metrics_address",
            "core.metrics_authentication", "core.proxy_http", "core.proxy_https",
            "core.proxy_ignore_hosts",
            "core.remote_token_expiry", "core.shutdown_timeout", "core.storage_buckets_address",
            "core.trust_ca_certificates", "core.trust_password", "images.auto_update_cached",
            "images.auto_update_interval", "images.compression_algorithm",
            "images.default_architecture",
            "images.remote_cache_expiry", "maas.api.url", "maas.api.key", "maas.machine",
            "network.ovn.northbound_connection", "rbac.api.url", "candid.api.url", "loki.api.url",
            "storage.backups_volume", "storage.images_volume",
        ])
    func serverKeyKnown(key: String) {
        #expect(ConfigKeys.isKnown(key, scope: .server))
        #expect(!ConfigKeys.isKnown(key, scope: .instance) || key.hasPrefix("user."))
    }

    @Test func serverUnknownKeys() {
        #expect(
            rejection("core.https_adress", "[::]:8443", .server)
                == "Unknown configuration key: core.https_adress")
        #expect(
            rejection("limits.memory", "1GiB", .server)
                == "Unknown configuration key: limits.memory")
        #expect(!ConfigKeys.isKnown("security.nesting", scope: .server))
        #expect(!ConfigKeys.isKnown("core.nonsense", scope: .server))
    }

    @Test func serverAddresses() {
        for value in [
            ":8443", "[::]:8443", "0.0.0.0:8443", "10.0.0.1:8443", "10.0.0.1", "[2001:db8::1]:8443",
            "::1", "[fd00::1]", "lxd.example.com:8443", "localhost",
        ] {
            #expect(accepts("core.https_address", value, .server), "\(value)")
        }
        for value in [
            "10.0.0.1:99999", "10.0.0.1:https", "bad_host!:1", "[2001:db8::zz]:8443", "[::1:8443",
        ] {
            #expect(!accepts("core.https_address", value, .server), "\(value)")
        }
        #expect(accepts("cluster.https_address", "10.0.0.1:8443", .server))
        #expect(
            rejection("cluster.https_address", "[::]:8443", .server)
                == "Invalid value for configuration key \"cluster.https_address\": Wildcard addresses are not allowed"
        )
        #expect(accepts("core.bgp_routerid", "192.0.2.1", .server))
        #expect(!accepts("core.bgp_routerid", "192.0.2.256", .server))
        #expect(!accepts("core.bgp_routerid", "2001:db8::1", .server))
    }

    @Test func serverIntegers() {
        #expect(accepts("core.shutdown_timeout", "5", .server))
        #expect(!accepts("core.shutdown_timeout", "5m", .server))
        #expect(accepts("images.auto_update_interval", "0", .server))
        #expect(accepts("core.bgp_asn", "65000", .server))
        #expect(!accepts("core.bgp_asn", "4294967295", .server))
        #expect(accepts("cluster.max_voters", "5", .server))
        #expect(!accepts("cluster.max_voters", "4", .server))
        #expect(!accepts("cluster.max_voters", "1", .server))
        #expect(accepts("cluster.max_standby", "0", .server))
        #expect(!accepts("cluster.max_standby", "6", .server))
        #expect(accepts("cluster.offline_threshold", "20", .server))
        #expect(!accepts("cluster.offline_threshold", "10", .server))
        #expect(accepts("cluster.images_minimal_replica", "-1", .server))
        #expect(!accepts("cluster.images_minimal_replica", "0", .server))
        #expect(accepts("cluster.join_token_expiry", "3H", .server))
        #expect(!accepts("cluster.join_token_expiry", "3 hours", .server))
    }

    @Test func serverEnumsAndNames() {
        #expect(accepts("images.compression_algorithm", "gzip", .server))
        #expect(accepts("images.compression_algorithm", "none", .server))
        #expect(accepts("backups.compression_algorithm", "zstd -19", .server))
        #expect(!accepts("images.compression_algorithm", "rar", .server))
        #expect(accepts("images.default_architecture", "x86_64", .server))
        #expect(!accepts("images.default_architecture", "amd64", .server))
        #expect(accepts("images.auto_update_cached", "false", .server))
        #expect(!accepts("core.trust_ca_certificates", "sometimes", .server))
        #expect(accepts("loki.loglevel", "warning", .server))
        #expect(!accepts("loki.loglevel", "verbose", .server))
        #expect(accepts("loki.types", "lifecycle,logging", .server))
        #expect(!accepts("loki.types", "lifecycle,metrics", .server))
        #expect(accepts("instances.nic.host_name", "mac", .server))
        #expect(accepts("core.trust_password", "s3cret", .server))
    }
}

extension ConfigKeyTable {
    /// The LXD 5.0 server option table (`GET`/`PUT /1.0`), cluster-wide and member-local keys
    /// together.
    static let server = ConfigKeyTable(
        keys: [
            "backups.compression_algorithm": .compressionAlgorithm,

            // Candid external authentication
            "candid.api.key": .string,
            "candid.api.url": .string,
            "candid.domains": .string,
            "candid.expiry": .int64,

            // Clustering
            "cluster.healing_threshold": .int64,
            "cluster.https_address": .listenAddress(allowWildcard: false),
            "cluster.images_minimal_replica": .imageReplicaCount,
            "cluster.join_token_expiry": .expiry,
            "cluster.max_standby": .integerRange(min: 0, max: 5),
            "cluster.max_voters": .oddAtLeastThree,
            "cluster.offline_threshold": .offlineThreshold,

            // Core daemon
            "core.bgp_address": .listenAddress(allowWildcard: true),
            "core.bgp_asn": .integerRange(min: 0, max: 4_294_967_294),
            "core.bgp_routerid": .ipv4Address,
            "core.debug_address": .listenAddress(allowWildcard: true),
            "core.dns_address": .listenAddress(allowWildcard: true),
            "core.https_address": .listenAddress(allowWildcard: true),
            "core.https_allowed_credentials": .bool,
            "core.https_allowed_headers": .string,
            "core.https_allowed_methods": .string,
            "core.https_allowed_origin": .string,
            "core.https_trusted_proxy": .string,
            "core.metrics_address": .listenAddress(allowWildcard: true),
            "core.metrics_authentication": .bool,
            "core.proxy_http": .string,
            "core.proxy_https": .string,
            "core.proxy_ignore_hosts": .string,
            "core.remote_token_expiry": .expiry,
            "core.shutdown_timeout": .int64,
            "core.storage_buckets_address": .listenAddress(allowWildcard: true),
            "core.trust_ca_certificates": .bool,
            "core.trust_password": .string,

            // Images
            "images.auto_update_cached": .bool,
            "images.auto_update_interval": .int64,
            "images.compression_algorithm": .compressionAlgorithm,
            "images.default_architecture": .architecture,
            "images.remote_cache_expiry": .int64,

            // Instances
            "instances.nic.host_name": .oneOf(["random", "mac"]),

            // Loki logging
            "loki.api.ca_cert": .string,
            "loki.api.url": .string,
            "loki.auth.password": .string,
            "loki.auth.username": .string,
            "loki.instance": .string,
            "loki.labels": .string,
            "loki.loglevel": .logLevel,
            "loki.types": .listOf(["lifecycle", "logging"]),

            // MAAS
            "maas.api.key": .string,
            "maas.api.url": .string,
            "maas.machine": .string,

            // OVN networking
            "network.ovn.ca_cert": .string,
            "network.ovn.client_cert": .string,
            "network.ovn.client_key": .string,
            "network.ovn.integration_bridge": .string,
            "network.ovn.northbound_connection": .string,

            // Role-based access control (Canonical RBAC)
            "rbac.agent.private_key": .string,
            "rbac.agent.public_key": .string,
            "rbac.agent.url": .string,
            "rbac.agent.username": .string,
            "rbac.api.expiry": .int64,
            "rbac.api.key": .string,
            "rbac.api.url": .string,
            "rbac.expiry": .int64,

            // Storage volumes for backups and images (POOL/VOLUME)
            "storage.backups_volume": .string,
            "storage.images_volume": .string,
        ],
        prefixes: [
            PrefixRule(prefix: "user.", type: .string)
        ]
    )
}

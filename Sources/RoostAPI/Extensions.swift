/// The `api_extensions` Roost advertises in `GET /1.0`. Append-only: a name is added only when
/// the feature it names really works, because clients switch behaviour on these names (without
/// `instances` the stock `lxc` falls back to `/1.0/containers`; without `container_full` and
/// `api_filtering` it cannot ask for `recursion=2` lists).
public enum APIExtensions {
    public static let all: [String] = [
        "etag",
        "patch",
        "profile_usedby",
        "entity_description",
        "operation_description",
        "event_lifecycle",
        "event_location",
        "container_last_used_at",
        "instances",
        "api_filtering",
        "container_full",
        "api_os",
    ]
}

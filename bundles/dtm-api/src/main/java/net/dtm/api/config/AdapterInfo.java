package net.dtm.api.config;

import java.util.List;
import java.util.Objects;

/**
 * An installed vendor adapter.
 *
 * @param vendor     vendor name
 * @param models     model patterns served (empty = every model)
 * @param osVersions OS version prefixes served (empty = every version)
 * @param behaviours simple names of the behaviours it offers
 * @param bundle     symbolic name and version of the bundle that publishes it
 * @param ranking    its service ranking
 */
public record AdapterInfo(String vendor, List<String> models, List<String> osVersions, List<String> behaviours,
                          String bundle, int ranking) {
    public AdapterInfo {
        Objects.requireNonNull(vendor, "vendor");
        models = List.copyOf(models);
        osVersions = List.copyOf(osVersions);
        behaviours = List.copyOf(behaviours);
        Objects.requireNonNull(bundle, "bundle");
    }
}

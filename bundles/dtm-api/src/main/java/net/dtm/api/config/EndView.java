package net.dtm.api.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One tunnel end as the configuration module sees it.
 *
 * @param end     interface name
 * @param role    {@code device} or {@code gateway}
 * @param device  the device id whose tunnel this is
 * @param adapter vendor of the adapter that configures it, empty when none matches
 * @param intent  the wanted state, one line ({@code TunnelIntent.describe()}), empty when none yet
 * @param running the parsed running state, one line, empty when absent or not read
 * @param diff    field changes from running to intent (empty = in sync)
 * @param state   {@code in-sync}, {@code pending-confirm}, {@code applying}, {@code out-of-sync},
 *                {@code refused}, {@code no-adapter}, {@code unreadable}
 * @param lastEntry number of the newest history entry (0 = none)
 */
public record EndView(String end, String role, String device, Optional<String> adapter, Optional<String> intent,
                      Optional<String> running, List<String> diff, String state, int lastEntry) {
    public EndView {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(running, "running");
        diff = List.copyOf(diff);
        Objects.requireNonNull(state, "state");
    }
}

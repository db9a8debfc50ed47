package net.dtm.api.config;

import java.util.List;
import java.util.Objects;

/**
 * What an apply would do now.
 *
 * @param end      interface name
 * @param diff     field changes, e.g. {@code mtu: 1500 -> 1400}, {@code route +10.0.0.0/8}
 * @param commands the commands the adapter would send, in order (empty when nothing changes)
 * @param problems why the intent would be refused at validation (empty when valid)
 */
public record Preview(String end, List<String> diff, List<String> commands, List<String> problems) {
    public Preview {
        Objects.requireNonNull(end, "end");
        diff = List.copyOf(diff);
        commands = List.copyOf(commands);
        problems = List.copyOf(problems);
    }
}

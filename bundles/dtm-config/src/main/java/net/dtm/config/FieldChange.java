package net.dtm.config;

import java.util.Objects;

/**
 * One field that differs between the running state and the wanted intent. A route is added
 * ({@code from} empty) or removed ({@code to} empty) and reads {@code route +10.0.0.0/8}; every other
 * field reads {@code mtu: 1500 -> 1400}.
 *
 * @param field the field's name, one of the constants of {@link IntentDiff}
 * @param from  its running value (empty for an added route)
 * @param to    its wanted value (empty for a removed route)
 */
public record FieldChange(String field, String from, String to) {

    public FieldChange {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
        if (field.equals(IntentDiff.ROUTE)) {
            return from.isEmpty() ? "route +" + to : "route -" + from;
        }
        return field + ": " + from + " -> " + to;
    }
}

package net.dtm.config;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * What a transaction writes before it touches a device, so a node that dies in the middle can put
 * the device back at its next start: the end, where it lives, the state read before the change
 * (the snapshot) and the intent being applied.
 *
 * @param end      interface name
 * @param device   device id the end belongs to
 * @param role     the end's role
 * @param target   the device and how to reach it
 * @param started  when the transaction started
 * @param trigger  who or what asked
 * @param snapshot the running state before the change (empty = no interface)
 * @param intent   the state being applied (empty = removal)
 */
public record JournalRecord(String end, String device, TunnelIntent.Role role, DeviceTarget target, Instant started,
                            String trigger, Optional<TunnelIntent> snapshot, Optional<TunnelIntent> intent) {

    public JournalRecord {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(intent, "intent");
    }

    /** The record as one line. */
    String encode() {
        KeyValueLine line = KeyValueLine.create()
                .put("end", end)
                .put("device", device)
                .put("role", role.name().toLowerCase(Locale.ROOT))
                .put("started", started)
                .put("trigger", trigger)
                .put("vendor", target.vendor())
                .put("model", target.model())
                .put("os", target.osVersion())
                .put("host", target.host())
                .put("port", target.port())
                .put("user", target.username())
                .put("secret", target.secretFile().map(Path::toString).orElse(""));
        target.options().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> line.put("opt." + e.getKey(), e.getValue()));
        line.put("snapshot", snapshot.map(IntentCodec::encode).orElse(""));
        line.put("intent", intent.map(IntentCodec::encode).orElse(""));
        return line.toString();
    }

    /** @throws IllegalArgumentException saying what is missing or malformed */
    static JournalRecord decode(String text) {
        KeyValueLine line = KeyValueLine.parse(text);
        TunnelIntent.Role role = switch (line.get("role")) {
            case "device" -> TunnelIntent.Role.DEVICE;
            case "gateway" -> TunnelIntent.Role.GATEWAY;
            default -> throw new IllegalArgumentException("unknown role '" + line.get("role") + "'");
        };
        Map<String, String> options = new LinkedHashMap<>();
        line.asMap().forEach((k, v) -> {
            if (k.startsWith("opt.")) {
                options.put(k.substring(4), v);
            }
        });
        String secret = line.get("secret");
        DeviceTarget target = new DeviceTarget(line.get("vendor"), line.get("model"), line.get("os"), line.get("host"),
                line.getInt("port"), line.get("user"), secret.isEmpty() ? Optional.empty() : Optional.of(Path.of(secret)),
                options);
        Instant started;
        try {
            started = Instant.parse(line.get("started"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'started' is not a time: " + line.get("started"));
        }
        return new JournalRecord(line.get("end"), line.get("device"), role, target, started, line.get("trigger"),
                optionalIntent(line.get("snapshot")), optionalIntent(line.get("intent")));
    }

    private static Optional<TunnelIntent> optionalIntent(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(IntentCodec.decode(text));
    }
}

package net.dtm.config;

import java.util.Objects;
import java.util.Optional;

import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * One run of the safe transaction asked for.
 *
 * @param end      interface name
 * @param role     the end's role (copied into what is read back)
 * @param device   device id the end belongs to, for logs
 * @param target   the device to change
 * @param wanted   the state wanted (empty = the interface must not exist)
 * @param trigger  who or what asked, recorded in the history
 * @param operator true when an operator asked: a no-change is then recorded too
 * @param hold     keep the change pending until a confirmation (or its timeout)
 */
public record TransactionRequest(String end, TunnelIntent.Role role, String device, DeviceTarget target,
                                 Optional<TunnelIntent> wanted, String trigger, boolean operator, boolean hold) {
    public TransactionRequest {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(trigger, "trigger");
        wanted.ifPresent(w -> {
            if (!w.name().equals(end)) {
                throw new IllegalArgumentException("intent names interface " + w.name() + " but the end is " + end);
            }
        });
    }

    /** The intent as one line, or {@code remove <end>}. */
    String intentLine() {
        return wanted.map(TunnelIntent::describe).orElse("remove " + end);
    }
}

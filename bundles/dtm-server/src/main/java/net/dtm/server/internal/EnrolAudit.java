package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;

/**
 * The security log of enrolment, logger {@value #LOGGER}: every grant, take-over and key fetch,
 * one line each; refusals and repeated deliveries to the same router, at most one line per
 * enrolment key id (all unknown ids share one) per {@value #PERIOD_MILLIS} ms, with the number of
 * similar ones left out since. Lines name the key id, its label and uses, the device, the router's
 * public key (a fingerprint; it is not secret) and the source; never a token or a device key.
 */
final class EnrolAudit {

    /** The security log's logger name. */
    static final String LOGGER = "net.dtm.audit";
    /** Throttling period of refusals per key id. */
    static final long PERIOD_MILLIS = 1000;
    private static final int SLOTS = 4096;

    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);

    private static final class Slot {
        long nextAt;
        long suppressed;
    }

    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, Slot> slots = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
            return size() > SLOTS;
        }
    };

    EnrolAudit(Clock clock) {
        this(clock, AUDIT::info);
    }

    /** @param sink where lines go (tests collect them) */
    EnrolAudit(Clock clock, Consumer<String> sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Records one decided ENROL.
     *
     * @param keyId     the key id the request claimed (empty for a key fetch)
     * @param routerKey the router's public key from the request
     */
    void record(EnrolOutcome outcome, DeviceId device, String keyId, byte[] routerKey, InetSocketAddress source) {
        String line = line(outcome, device, keyId, routerKey, source);
        switch (outcome.result()) {
            case GRANTED, REPLACED, FETCHED -> sink.accept(line);
            case AGAIN, REFUSED -> throttled(outcome.key() == null ? "-" : outcome.key().id(), line);
            case TRY_LATER -> { }   // counted only: nothing was decided
        }
    }

    private void throttled(String slotId, String line) {
        long now = clock.millis();
        long suppressed;
        synchronized (slots) {
            Slot slot = slots.computeIfAbsent(slotId, s -> new Slot());
            if (now < slot.nextAt) {
                slot.suppressed++;
                return;
            }
            slot.nextAt = now + PERIOD_MILLIS;
            suppressed = slot.suppressed;
            slot.suppressed = 0;
        }
        sink.accept(suppressed == 0 ? line : line + " (+" + suppressed + " similar not logged)");
    }

    private static String line(EnrolOutcome outcome, DeviceId device, String keyId, byte[] routerKey,
                               InetSocketAddress source) {
        StringBuilder b = new StringBuilder("enrol ").append(outcome.result().name().toLowerCase(Locale.ROOT));
        if (!outcome.reason().isEmpty()) {
            b.append(" (").append(outcome.reason()).append(')');
        }
        b.append(": device=").append(device);
        EnrolmentKey key = outcome.key();
        if (key != null) {
            b.append(" key=").append(key.id());
            if (!key.label().isEmpty()) {
                b.append(" label=\"").append(key.label()).append('"');
            }
            b.append(" uses=").append(key.uses()).append('/').append(key.maxUses() == 0 ? "unlimited" : key.maxUses());
        } else if (keyId.isEmpty()) {
            b.append(" key=none (key fetch)");
        } else {
            b.append(" key=").append(EnrolmentKey.isValidId(keyId) ? keyId : "(malformed)");
        }
        if (outcome.previous() != null) {
            b.append(outcome.previous().routerKey() == null ? " replacing an operator-enrolled device"
                    : " replacing router " + fingerprint(outcome.previous().routerKey()));
        }
        b.append(" router=").append(fingerprint(routerKey)).append(" source=").append(source);
        return b.toString();
    }

    /** The first 8 bytes of a router's public key, in hex. */
    static String fingerprint(byte[] routerKey) {
        return routerKey == null || routerKey.length < 8 ? "?" : HexFormat.of().formatHex(routerKey, 0, 8);
    }
}

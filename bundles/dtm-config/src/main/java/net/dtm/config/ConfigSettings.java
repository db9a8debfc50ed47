package net.dtm.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of the configuration module.
 *
 * @param stateDirectory    folder (mode 700) holding the journal and the history
 * @param verifyTimeout     how long probes through a changed tunnel may go unanswered before the
 *                          change is rolled back
 * @param probeInterval     pause between two probes (and the timeout of one probe)
 * @param probeEnabled      false to confirm a change on its read-back alone (labs, devices that
 *                          cannot send a probe)
 * @param confirmTimeout    how long a change applied in hold mode waits for an operator's confirmation
 * @param historySize       history entries kept per end (at least {@value #MIN_HISTORY})
 * @param interfacePrefix   name prefix of the interfaces DTM builds; reconcile removes unaccounted ones
 * @param operatorTimeout   how long an operator's apply, confirm or rollback waits for its outcome
 * @param deviceTimerMargin added to the device's own commit-confirm timer beyond the core's timeouts,
 *                          so the device never reverts a change the core is still verifying
 */
public record ConfigSettings(Path stateDirectory, Duration verifyTimeout, Duration probeInterval, boolean probeEnabled,
                             Duration confirmTimeout, int historySize, String interfacePrefix, Duration operatorTimeout,
                             Duration deviceTimerMargin) {

    /** Fewest history entries kept per end. */
    public static final int MIN_HISTORY = 50;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,14}");

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public ConfigSettings {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        positive("verify timeout", verifyTimeout);
        positive("probe interval", probeInterval);
        positive("confirm timeout", confirmTimeout);
        positive("operator timeout", operatorTimeout);
        Objects.requireNonNull(deviceTimerMargin, "deviceTimerMargin");
        if (deviceTimerMargin.isNegative()) {
            throw new IllegalArgumentException("device timer margin must not be negative, got " + deviceTimerMargin);
        }
        if (historySize < MIN_HISTORY) {
            throw new IllegalArgumentException("history size must be at least " + MIN_HISTORY + ", got " + historySize);
        }
        if (interfacePrefix == null || !PREFIX.matcher(interfacePrefix).matches()) {
            throw new IllegalArgumentException("interface prefix '" + interfacePrefix
                    + "' must be 1 to 14 characters of A-Z a-z 0-9 _ . -");
        }
    }

    /**
     * Defaults: verify within 15 s probing every second, hold-mode confirmation within 120 s, 100
     * history entries per end, prefix {@code dtm}, operators wait up to 60 s, device timers 60 s longer.
     */
    public static ConfigSettings defaults(Path stateDirectory) {
        return new ConfigSettings(stateDirectory, Duration.ofSeconds(15), Duration.ofSeconds(1), true,
                Duration.ofSeconds(120), 100, "dtm", Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** The same settings with probing on or off. */
    public ConfigSettings withProbe(boolean enabled) {
        return new ConfigSettings(stateDirectory, verifyTimeout, probeInterval, enabled, confirmTimeout, historySize,
                interfacePrefix, operatorTimeout, deviceTimerMargin);
    }

    /** The same settings with other verify, probe and confirm timings. */
    public ConfigSettings withTimeouts(Duration verify, Duration probe, Duration confirm) {
        return new ConfigSettings(stateDirectory, verify, probe, probeEnabled, confirm, historySize, interfacePrefix,
                operatorTimeout, deviceTimerMargin);
    }

    /** The same settings keeping {@code entries} history entries per end. */
    public ConfigSettings withHistorySize(int entries) {
        return new ConfigSettings(stateDirectory, verifyTimeout, probeInterval, probeEnabled, confirmTimeout, entries,
                interfacePrefix, operatorTimeout, deviceTimerMargin);
    }

    /** The same settings with another bound on operators' waits. */
    public ConfigSettings withOperatorTimeout(Duration timeout) {
        return new ConfigSettings(stateDirectory, verifyTimeout, probeInterval, probeEnabled, confirmTimeout, historySize,
                interfacePrefix, timeout, deviceTimerMargin);
    }

    /** Folder of the crash journal. */
    public Path journalDirectory() {
        return stateDirectory.resolve("journal");
    }

    /** Folder of the per-end history files. */
    public Path historyDirectory() {
        return stateDirectory.resolve("history");
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}

package net.dtm.config;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every transaction of one manager shares.
 *
 * @param settings  timeouts and switches
 * @param clock     time source
 * @param scheduler timers (probe retries, confirm timeouts)
 * @param executor  runs the steps (blocking device calls) of transactions
 * @param validator judges intents
 * @param journal   the crash journal
 * @param history   the numbered history
 * @param counters  outcome counters
 */
public record ConfigContext(ConfigSettings settings, Clock clock, Scheduler scheduler, Executor executor,
                            IntentValidator validator, Journal journal, HistoryStore history, ConfigCounters counters) {
    public ConfigContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(counters, "counters");
    }
}

package net.dtm.spi.config;

import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The device's own commit-confirmed safety net (IOS {@code configure terminal revert timer},
 * VRP {@code commit trial}, OpenWrt {@code uci apply rollback}...). Optional: without it the core
 * keeps its own timer and rolls back by applying the snapshot it read before the change. With it,
 * the core arms the device's timer before applying, so a change is undone even if the core dies.
 */
@ConsumerType
public interface CommitConfirmBehaviour extends Behaviour {

    /** Arms the device's rollback timer for the change about to be applied in {@code session}. */
    void arm(ConfigSession session, Duration timeout) throws ConfigException;

    /** Keeps the change: the device's timer is cancelled. */
    void confirm(ConfigSession session) throws ConfigException;

    /** Rolls the change back now. */
    void revert(ConfigSession session) throws ConfigException;
}

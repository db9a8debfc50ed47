package net.dtm.vendor.ciscoios;

import java.time.Duration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;

/**
 * IOS's own safety net: {@code configure terminal revert timer N} takes a checkpoint into the
 * configuration archive and rolls the running configuration back to it after N minutes unless
 * {@code configure confirm} comes first; {@code configure revert now} rolls back at once. The timer
 * lives on the device, so a change is undone even when DTM or the connection dies mid-change. The
 * checkpoint is the whole running configuration: a revert (now or by the timer) also undoes every
 * other change made on the router since the timer was armed, an operator's by hand included. That is
 * IOS's semantics; the session logs it at INFO each time a change arms the timer.
 */
final class IosCommitConfirm implements CommitConfirmBehaviour {

    /** IOS's range for the revert timer, in minutes. */
    static final int MIN_MINUTES = 1;
    static final int MAX_MINUTES = 120;

    /**
     * Arms the timer for {@code timeout} rounded up to whole minutes.
     *
     * @throws ConfigException (rejected, nothing changed) if that is more than IOS's
     *                         {@value #MAX_MINUTES} minutes: a shorter timer would revert the change
     *                         while the core still verifies it or waits for its confirmation
     */
    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        CiscoIosSession ios = ios(session);
        int minutes = minutes(timeout);
        if (minutes > MAX_MINUTES) {
            throw new ConfigException("the IOS revert timer runs at most " + MAX_MINUTES + " minutes, and this change must"
                    + " stay revertible for " + minutes + " (verify and confirmation time plus the device timer margin);"
                    + " nothing was changed: shorten the confirmation timeout", true);
        }
        ios.armRevertTimer(minutes);
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        ios(session).confirmChange();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        ios(session).revertNow();
    }

    /** The core's timeout in whole minutes, rounded up, at least IOS's 1 (more than 120 is refused by {@link #arm}). */
    static int minutes(Duration timeout) {
        long seconds = Math.max(0, timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0));
        long m = (seconds + 59) / 60;
        return (int) Math.max(MIN_MINUTES, Math.min(Integer.MAX_VALUE, m));
    }

    private static CiscoIosSession ios(ConfigSession session) throws ConfigException {
        if (session instanceof CiscoIosSession s) {
            return s;
        }
        throw new ConfigException("the cisco-ios revert timer needs a session of the cisco-ios adapter, got "
                + session.getClass().getName(), false);
    }
}

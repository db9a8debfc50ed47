package net.dtm.vendor.ciscoios;

import java.time.Duration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;

/**
 * IOS's own safety net: {@code configure terminal revert timer N} takes a checkpoint into the
 * configuration archive and rolls the running configuration back to it after N minutes unless
 * {@code configure confirm} comes first; {@code configure revert now} rolls back at once. The timer
 * lives on the device, so a change is undone even when DTM or the connection dies mid-change.
 */
final class IosCommitConfirm implements CommitConfirmBehaviour {

    /** IOS's range for the revert timer, in minutes. */
    static final int MIN_MINUTES = 1;
    static final int MAX_MINUTES = 120;

    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        ios(session).armRevertTimer(minutes(timeout));
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        ios(session).confirmChange();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        ios(session).revertNow();
    }

    /** The core's timeout in whole minutes, rounded up, within IOS's 1..120. */
    static int minutes(Duration timeout) {
        long seconds = Math.max(0, timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0));
        long m = (seconds + 59) / 60;
        return (int) Math.max(MIN_MINUTES, Math.min(MAX_MINUTES, m));
    }

    private static CiscoIosSession ios(ConfigSession session) throws ConfigException {
        if (session instanceof CiscoIosSession s) {
            return s;
        }
        throw new ConfigException("the cisco-ios revert timer needs a session of the cisco-ios adapter, got "
                + session.getClass().getName(), false);
    }
}

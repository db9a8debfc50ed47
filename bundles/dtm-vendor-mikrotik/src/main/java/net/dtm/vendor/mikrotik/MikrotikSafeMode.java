package net.dtm.vendor.mikrotik;

import java.time.Duration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;

/**
 * RouterOS safe mode as the commit-confirm net. Arming presses Ctrl-X (the prompt then shows
 * {@code <SAFE>}); confirming checks on a fresh prompt that this session still holds it and presses
 * Ctrl-X again; reverting ends the session without leaving safe mode (Ctrl-D, then the connection is
 * dropped), which makes RouterOS undo every change made since, and logs in again so the core can
 * read back. Safe mode has no timer, so {@code timeout} is not used: the change lives as long as the
 * session does, the core's own timer decides, and if the core dies its connection drops and RouterOS
 * undoes the change. When another session holds safe mode (RouterOS asks whether to hijack it),
 * arming answers "don't take it" and refuses (rejected = false, so a later retry can succeed): any
 * change made while another session holds safe mode is undone by RouterOS when that session unrolls
 * or drops, so a change DTM confirmed then could vanish without the core learning of it.
 */
final class MikrotikSafeMode implements CommitConfirmBehaviour {

    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        of(session).arm();
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        of(session).confirmChange();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        of(session).revertChange();
    }

    private static MikrotikSession of(ConfigSession session) throws ConfigException {
        if (session instanceof MikrotikSession m) {
            return m;
        }
        throw new ConfigException("the mikrotik safe mode needs a session of the mikrotik adapter, got "
                + (session == null ? "none" : session.getClass().getSimpleName()), false);
    }
}

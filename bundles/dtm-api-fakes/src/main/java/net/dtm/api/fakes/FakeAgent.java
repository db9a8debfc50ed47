package net.dtm.api.fakes;

import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelStatus;

/** The agent service: reports whatever {@link #status} a test sets; re-establishing does nothing. */
public final class FakeAgent implements TunnelAgentService {
    public volatile TunnelStatus status;

    @Override
    public TunnelStatus status() {
        return status;
    }

    @Override
    public void reestablish() {
    }
}

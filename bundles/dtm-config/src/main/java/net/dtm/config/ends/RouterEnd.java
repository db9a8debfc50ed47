package net.dtm.config.ends;

import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.intent.DeviceIntents;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * The router's own tunnel end: every tunnel event that changes what the tunnel must be becomes the
 * end's new intent, applied through the safe transaction (the manager coalesces a burst of events
 * into the newest). Events that leave the tunnel as it is (released, lost: a new tunnel replaces it
 * in one change) change nothing.
 */
public final class RouterEnd implements TunnelListener {

    private static final Logger LOG = LoggerFactory.getLogger(RouterEnd.class);

    private final DeviceIntents intents;
    private final ConfigurationManager manager;
    private final DeviceTarget target;

    public RouterEnd(DeviceIntents intents, ConfigurationManager manager, DeviceTarget target) {
        this.intents = Objects.requireNonNull(intents, "intents");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The interface name of this end. */
    public String name() {
        return intents.name();
    }

    @Override
    public void tunnelChanged(TunnelEvent event) {
        Optional<TunnelIntent> intent;
        try {
            intent = intents.after(event);
        } catch (RuntimeException e) {
            LOG.warn("tunnel event {} of device={} not turned into configuration: {}", event.type(), event.device(),
                    e.getMessage());
            return;
        }
        if (intent.isEmpty()) {
            LOG.debug("tunnel event {} of device={} leaves {} as it is", event.type(), event.device(), intents.name());
            return;
        }
        manager.setIntent(intents.name(), TunnelIntent.Role.DEVICE, event.device().value(), target, intent,
                trigger(event));
    }

    static String trigger(TunnelEvent e) {
        String server = e.parameters().map(p -> " (server " + p.serverNodeId() + ")").orElse("");
        String link = e.path().map(p -> " over " + p.linkId()).orElse("");
        return switch (e.type()) {
            case ESTABLISHED -> "tunnel established" + server + link;
            case PARAMETERS_CHANGED -> "tunnel parameters changed" + server;
            case PATH_MOVED -> "tunnel path moved" + link;
            case RELEASED -> "tunnel released";
            case LOST -> "tunnel lost";
        };
    }
}

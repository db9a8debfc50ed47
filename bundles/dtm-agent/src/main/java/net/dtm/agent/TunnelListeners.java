package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import net.dtm.api.DeviceId;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.api.TunnelStatus;

/**
 * The agent's listeners: status listeners get every status change, tunnel listeners every tunnel
 * event, silence listeners the number of attempts in a row no server answered authentically. A
 * listener that throws is logged and harms no other. Thread-safe.
 */
final class TunnelListeners {
    private final DeviceId device;
    private final List<Consumer<TunnelStatus>> statusListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<TunnelListener> tunnelListeners = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> silenceListeners = new CopyOnWriteArrayList<>();

    TunnelListeners(DeviceId device) {
        this.device = device;
    }

    void addStatusListener(Consumer<TunnelStatus> listener) {
        statusListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeStatusListener(Consumer<TunnelStatus> listener) {
        statusListeners.remove(listener);
    }

    /** True if {@code listener} was not registered yet. */
    boolean addTunnelListener(TunnelListener listener) {
        return tunnelListeners.addIfAbsent(listener);
    }

    void removeTunnelListener(TunnelListener listener) {
        tunnelListeners.remove(listener);
    }

    boolean registered(TunnelListener listener) {
        return tunnelListeners.contains(listener);
    }

    void addSilenceListener(IntConsumer listener) {
        silenceListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeSilenceListener(IntConsumer listener) {
        silenceListeners.remove(listener);
    }

    /** Tells the silence listeners that {@code inARow} attempts in a row got no authentic answer. */
    void publishSilence(int inARow) {
        for (IntConsumer l : silenceListeners) {
            try {
                l.accept(inARow);
            } catch (RuntimeException ex) {
                LOG.warn("tunnel silence listener failed: device={} error={}", device, ex.toString());
            }
        }
    }

    void publish(TunnelStatus status) {
        for (Consumer<TunnelStatus> l : statusListeners) {
            try {
                l.accept(status);
            } catch (RuntimeException ex) {
                LOG.warn("tunnel status listener failed: device={} error={}", device, ex.toString());
            }
        }
    }

    void publish(TunnelEvent event) {
        for (TunnelListener l : tunnelListeners) {
            deliver(l, event);
        }
    }

    void deliver(TunnelListener l, TunnelEvent event) {
        try {
            l.tunnelChanged(event);
        } catch (RuntimeException ex) {
            LOG.warn("tunnel listener {} failed on {}: device={} error={}", l.getClass().getName(), event.type(),
                    device, ex.toString());
        }
    }
}

package net.dtm.link.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;

/**
 * A component factory that records the properties each instance is made with, and how many were
 * disposed of: for testing a driver's configured component (what it would have Declarative
 * Services publish) without a framework.
 *
 * @param <S> the component type
 */
public final class RecordingComponentFactory<S> implements ComponentFactory<S> {

    private final List<Map<String, Object>> made = new ArrayList<>();
    private int disposed;

    @Override
    public synchronized ComponentInstance<S> newInstance(Dictionary<String, ?> properties) {
        Map<String, Object> copy = new TreeMap<>();
        Collections.list(properties.keys()).forEach(k -> copy.put(k, properties.get(k)));
        made.add(copy);
        return new ComponentInstance<>() {
            private boolean gone;

            @Override
            public void dispose() {
                synchronized (RecordingComponentFactory.this) {
                    if (!gone) {
                        gone = true;
                        disposed++;
                    }
                }
            }

            @Override
            public S getInstance() {
                return null;
            }
        };
    }

    /** The properties of every instance made so far, in order. */
    public synchronized List<Map<String, Object>> made() {
        return List.copyOf(made);
    }

    /** The properties of the only instance made; fails if there is not exactly one. */
    public synchronized Map<String, Object> only() {
        if (made.size() != 1) {
            throw new AssertionError("expected one instance, made " + made.size() + ": " + made);
        }
        return made.get(0);
    }

    /** How many instances were disposed of. */
    public synchronized int disposed() {
        return disposed;
    }
}

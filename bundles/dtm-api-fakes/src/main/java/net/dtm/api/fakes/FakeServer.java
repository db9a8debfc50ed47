package net.dtm.api.fakes;

import java.util.LinkedHashMap;
import java.util.Map;

import net.dtm.api.TunnelServerService;

/** The server's counters. */
public final class FakeServer implements TunnelServerService {
    public final Map<String, Long> counters = new LinkedHashMap<>();

    @Override
    public String nodeId() {
        return "node-a";
    }

    @Override
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }
}

package net.dtm.api.fakes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;

/** The link service over a map of links in id order; enable and disable rewrite the link. */
public final class FakeLinks implements LinkService {
    public final Map<String, LinkInfo> links = new TreeMap<>();

    public void add(String id, String kind, long sent) {
        links.put(id, new LinkInfo(id, kind, "up", true, kind.equals("satellite"), Optional.of("127.0.0.1:40001"),
                Optional.empty(), Duration.ofMillis(21), Duration.ofMillis(250), 0.5, 3, sent, sent * 300, sent / 2,
                sent * 150, 1));
    }

    @Override
    public List<LinkInfo> links() {
        return List.copyOf(links.values());
    }

    @Override
    public Optional<LinkInfo> link(String id) {
        return Optional.ofNullable(links.get(id));
    }

    @Override
    public boolean enable(String id) {
        return set(id, true);
    }

    @Override
    public boolean disable(String id) {
        return set(id, false);
    }

    private boolean set(String id, boolean enabled) {
        LinkInfo l = links.get(id);
        if (l == null) {
            return false;
        }
        links.put(id, new LinkInfo(l.id(), l.kind(), l.state(), enabled, l.metered(), l.localAddress(),
                l.publicAddress(), l.srtt(), l.rto(), l.lossEstimate(), l.copies(), l.datagramsSent(), l.bytesSent(),
                l.datagramsReceived(), l.bytesReceived(), l.duplicates()));
        return true;
    }
}

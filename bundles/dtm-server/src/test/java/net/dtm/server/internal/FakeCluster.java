package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.store.StoreUnavailableException;

/** A cluster the test drives: members, connection, leadership, with notifications. */
final class FakeCluster implements Cluster {

    final String self;
    final String type;
    final Map<String, Member> members = new ConcurrentHashMap<>();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final List<List<InetSocketAddress>> advertised = new CopyOnWriteArrayList<>();
    final List<Long> published = new CopyOnWriteArrayList<>();
    final AtomicInteger failAdvertise = new AtomicInteger();
    volatile boolean connected = true;
    volatile boolean leader = true;
    volatile String site = "";

    FakeCluster(String self) {
        this(self, "zookeeper");
    }

    FakeCluster(String self, String type) {
        this.self = self;
        this.type = type;
    }

    static InetSocketAddress ep(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Adds or replaces another node's record and notifies. */
    FakeCluster put(String id, String site, int port, boolean registered, boolean draining) {
        members.put(id, new Member(id, site, List.of(ep(port)), registered, draining, false, 7, Instant.EPOCH));
        fire();
        return this;
    }

    void setConnected(boolean c) {
        connected = c;
        fire();
    }

    void fire() {
        listeners.forEach(Runnable::run);
    }

    @Override public String type() { return type; }
    @Override public String nodeId() { return self; }

    @Override
    public void advertise(List<InetSocketAddress> endpoints) {
        if (failAdvertise.getAndDecrement() > 0) {
            throw new StoreUnavailableException("not connected", null);
        }
        advertised.add(List.copyOf(endpoints));
        Member old = members.get(self);
        members.put(self, new Member(self, site, endpoints, true, old != null && old.draining(), leader, 0, Instant.now()));
        fire();
    }

    @Override
    public void publish(long leasesServed) {
        published.add(leasesServed);
    }

    @Override
    public List<Member> members() {
        List<Member> out = new ArrayList<>(members.values());
        out.sort(java.util.Comparator.comparing(Member::id));
        return out;
    }

    @Override public boolean isLeader() { return leader; }
    @Override public boolean isConnected() { return connected; }

    @Override
    public boolean setDraining(String id, boolean draining) {
        if (!connected) {
            throw new StoreUnavailableException("no quorum", null);
        }
        Member m = members.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        if (m.draining() == draining) {
            return false;
        }
        members.put(id, new Member(m.id(), m.site(), m.endpoints(), m.registered(), draining, m.leader(), m.leasesServed(),
                m.lastSeen()));
        fire();
        return true;
    }

    @Override
    public Map<String, String> status() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("connect", "zk1:2181");
        m.put("mode", "should not replace the node's mode");
        return m;
    }

    @Override public void addListener(Runnable l) { listeners.add(l); }
    @Override public void removeListener(Runnable l) { listeners.remove(l); }
}

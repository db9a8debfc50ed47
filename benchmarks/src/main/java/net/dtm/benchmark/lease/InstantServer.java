package net.dtm.benchmark.lease;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceId;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Header;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.SequenceSource;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseClient;

/**
 * A server that answers at once, with no store: ESTABLISH gets PARAMS with the next address of
 * 10.0.0.0/8, CONFIRM gets ACK. Only the protocol work (decode, encode) is done, so
 * {@link #main} measures how many exchanges per second the {@link LeaseClient} can drive on this
 * machine, i.e. that the client is not what limits {@link NewLeaseBenchmark}.
 */
public final class InstantServer implements AutoCloseable {

    private final DatagramChannel channel;
    private final Map<DeviceId, byte[]> keys;
    private final Thread thread;
    private final SequenceSource sequences = new SequenceSource();
    private final AtomicInteger next = new AtomicInteger(1);
    private final LongAdder answered = new LongAdder();
    private volatile boolean closed;

    public InstantServer(Map<DeviceId, byte[]> keys) throws IOException {
        this.keys = keys;
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "instant-server");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    public long answered() {
        return answered.sum();
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        while (!closed) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                in.flip();
                byte[] d = new byte[in.remaining()];
                in.get(d);
                Header h = Codec.peek(d);
                byte[] key = keys.get(h.device());
                if (key == null) {
                    continue;
                }
                Envelope e = Codec.decode(d, key);
                Envelope answer;
                if (e.body() instanceof Establish) {
                    int n = next.getAndIncrement();
                    InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                    TunnelParameters p = new TunnelParameters(a, 8, InetAddress.getByName("10.0.0.0"),
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 4789), TunnelType.VXLAN, 1400, 10, 3600,
                            "instant");
                    answer = new Envelope(Direction.TO_DEVICE, e.device(), e.transactionId(), sequences.next(),
                            new Params(p, "bench", 1, List.of()));
                } else if (e.body() instanceof Confirm) {
                    answer = new Envelope(Direction.TO_DEVICE, e.device(), e.transactionId(), sequences.next(),
                            new Ack(MessageType.CONFIRM));
                } else {
                    continue;
                }
                channel.send(ByteBuffer.wrap(Codec.encode(answer, key)), from);
                answered.increment();
            } catch (ProtocolException e) {
                // not ours
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** {@code InstantServer [seconds] [concurrency]}: the client's own ceiling on this machine. */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        List<DeviceId> devices = new ArrayList<>(DeviceKeys.ids("dev", 1_000_000));
        Map<DeviceId, byte[]> keys = DeviceKeys.keys(1, devices);
        try (InstantServer server = new InstantServer(keys);
             LeaseClient client = new LeaseClient(server.address(), keys, concurrency, null)) {
            client.runFor(devices.iterator(), Duration.ofSeconds(2));   // warm-up
            long cpu0 = NewLeaseBenchmark.processCpuNanos();
            LeaseClient.Result r = client.runFor(devices.iterator(), Duration.ofSeconds(seconds));
            double cpu = 100.0 * (NewLeaseBenchmark.processCpuNanos() - cpu0) / r.elapsed().toNanos();
            System.out.printf(Locale.ROOT, "LeaseClient against an instant server (both in this JVM, one socket, one "
                    + "receiver thread), concurrency %d: %s; process CPU %.0f%% (client and server)%n", concurrency, r, cpu);
        }
    }
}

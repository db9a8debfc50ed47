package net.dtm.testkit.lease;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A load client's receive loop: every datagram arriving on a selector's channels, each to a consumer. */
public final class SelectedDatagrams {

    private SelectedDatagrams() {
    }

    /**
     * Waits up to {@code timeoutMillis} for readable channels of {@code selector} (non-blocking
     * {@link DatagramChannel}s) and hands every datagram waiting on them, copied out of
     * {@code buffer}, to {@code consumer}.
     *
     * @throws IOException as the channels throw it (closed channel or selector included)
     */
    public static void receive(Selector selector, long timeoutMillis, ByteBuffer buffer, Consumer<byte[]> consumer)
            throws IOException {
        selector.select(timeoutMillis);
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            DatagramChannel ch = (DatagramChannel) k.channel();
            while (true) {
                buffer.clear();
                if (ch.receive(buffer) == null) {
                    break;
                }
                buffer.flip();
                byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                consumer.accept(datagram);
            }
        }
    }

    /**
     * Receives until {@code closed} says so or the selector or a channel is closed: rounds of
     * {@link #receive} (200 ms each at most). Any other failure of a round (e.g. an ICMP port
     * unreachable reported on a socket while the server is down, or a consumer's exception) runs
     * {@code failed} and the loop goes on.
     */
    public static void loop(Selector selector, Consumer<byte[]> consumer, BooleanSupplier closed, Runnable failed) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        while (!closed.getAsBoolean()) {
            try {
                receive(selector, 200, buffer, consumer);
            } catch (ClosedChannelException | ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed.getAsBoolean()) {
                    return;
                }
                failed.run();
            }
        }
    }
}

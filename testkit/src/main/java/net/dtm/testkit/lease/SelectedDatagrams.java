package net.dtm.testkit.lease;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.function.Consumer;

/** One round of a load client's receive loop: every datagram waiting on a selector's channels, each to a consumer. */
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
}

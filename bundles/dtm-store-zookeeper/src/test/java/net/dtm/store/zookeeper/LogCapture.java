package net.dtm.store.zookeeper;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Captures what slf4j-simple prints (it writes to whatever {@code System.err} is at each call) while
 * still passing it on. A record starts with the configured {@code HH:mm:ss.SSS [thread] LEVEL logger}
 * header; the lines after it (a stack trace) belong to it.
 */
final class LogCapture implements AutoCloseable {

    private static final Pattern HEADER = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[(.*?)\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

    /** One log record: level, logger, message (first line) and how many lines it took. */
    record Entry(String level, String logger, String message, int lines) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message + (lines > 1 ? " (+" + (lines - 1) + " lines)" : "");
        }
    }

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    static LogCapture start() {
        return new LogCapture();
    }

    /** The lines captured so far. */
    List<String> lines() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    /** The records captured so far (lines before the first header are left out). */
    List<Entry> entries() {
        List<Entry> out = new java.util.ArrayList<>();
        String level = null;
        String logger = null;
        String message = null;
        int lines = 0;
        for (String line : lines()) {
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                if (level != null) {
                    out.add(new Entry(level, logger, message, lines));
                }
                level = m.group(2);
                logger = m.group(3);
                message = m.group(4);
                lines = 1;
            } else if (level != null) {
                lines++;
            }
        }
        if (level != null) {
            out.add(new Entry(level, logger, message, lines));
        }
        return out;
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}

package net.dtm.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.TunnelIntent;

/**
 * The numbered history of every end, one append-only file per end ({@code <end>.history}, mode 600,
 * in a mode-700 folder). Numbers run 1, 2, 3... per end and are never reused, across restarts too:
 * a compacted file starts with a {@code last=N} line that remembers the highest number ever given.
 * An entry that changes (pending confirmation, then confirmed or rolled back) is appended again with
 * its number; the later line wins. Only the newest {@code keep} entries are kept. A line that
 * cannot be read is skipped with a warning. Memory holds two numbers per end; entries are read from
 * the file when asked for, so a gateway with many ends does not keep every history in the heap.
 */
public final class HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
    private static final String SUFFIX = ".history";
    private static final Pattern NUMBER = Pattern.compile("^n=(\\d{1,9})(?: |$)");
    private static final Pattern MARK = Pattern.compile("^last=(\\d{1,9})$");

    private final Path directory;
    private final int keep;
    private final ConcurrentMap<String, EndLog> logs = new ConcurrentHashMap<>();

    /** What is known of one end's file without reading it again; guarded by its own monitor. */
    private static final class EndLog {
        boolean scanned;
        int last;
        int lines;
    }

    /**
     * A store in {@code directory} (created mode 700) keeping {@code keep} entries per end.
     *
     * @throws IllegalArgumentException if {@code keep} is below {@link ConfigSettings#MIN_HISTORY}
     */
    public HistoryStore(Path directory, int keep) throws IOException {
        if (keep < ConfigSettings.MIN_HISTORY) {
            throw new IllegalArgumentException("history must keep at least " + ConfigSettings.MIN_HISTORY
                    + " entries per end, got " + keep);
        }
        this.directory = directory;
        this.keep = keep;
        SecureFiles.privateDirectory(directory);
    }

    /**
     * Records a new entry under the end's next number.
     *
     * @param draft  the entry; its number is ignored
     * @param intent the intent it applied
     * @return the entry with its number
     * @throws UncheckedIOException if it cannot be written
     */
    public Transaction append(Transaction draft, Optional<TunnelIntent> intent) {
        EndLog log = log(draft.end());
        synchronized (log) {
            Transaction numbered = renumber(draft, log.last + 1);
            write(log, new HistoryEntry(numbered, intent));
            return numbered;
        }
    }

    /**
     * Replaces entry {@code entry.number()} (a pending change that has now ended).
     *
     * @throws IllegalArgumentException if the end has no such entry
     * @throws UncheckedIOException     if it cannot be written
     */
    public Transaction update(Transaction entry, Optional<TunnelIntent> intent) {
        EndLog log = log(entry.end());
        synchronized (log) {
            if (!read(entry.end()).containsKey(entry.number())) {
                throw new IllegalArgumentException("history of " + entry.end() + " has no entry " + entry.number());
            }
            write(log, new HistoryEntry(entry, intent));
            return entry;
        }
    }

    /** The end's entries, newest first. */
    public List<HistoryEntry> entries(String end) {
        EndLog log = log(end);
        synchronized (log) {
            return new ArrayList<>(read(end).descendingMap().values());
        }
    }

    /** Entry {@code number} of the end, if still kept. */
    public Optional<HistoryEntry> entry(String end, int number) {
        EndLog log = log(end);
        synchronized (log) {
            return Optional.ofNullable(read(end).get(number));
        }
    }

    /** The highest number given to the end (0 = none). */
    public int lastNumber(String end) {
        EndLog log = log(end);
        synchronized (log) {
            return log.last;
        }
    }

    /** The end's newest CONFIRMED entry, if any is kept. */
    public Optional<HistoryEntry> lastConfirmed(String end) {
        return entries(end).stream().filter(e -> e.transaction().result() == Transaction.Result.CONFIRMED).findFirst();
    }

    /** Every end with a history, sorted. */
    public List<String> ends() {
        TreeSet<String> out = new TreeSet<>();
        logs.forEach((end, log) -> {
            synchronized (log) {
                if (log.last > 0) {
                    out.add(end);
                }
            }
        });
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.add(name.substring(0, name.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the history in " + directory, e);
        }
        return new ArrayList<>(out);
    }

    /** The end's log, its file scanned for numbers on first use. Callers lock it. */
    private EndLog log(String end) {
        if (!IntentValidator.validName(end)) {
            throw new IllegalArgumentException("'" + end + "' is not an interface name");
        }
        EndLog log = logs.computeIfAbsent(end, k -> new EndLog());
        synchronized (log) {
            if (!log.scanned) {
                for (String line : lines(end)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    log.lines++;
                    Matcher m = MARK.matcher(line);
                    Matcher n = NUMBER.matcher(line);
                    if (m.matches()) {
                        log.last = Math.max(log.last, Integer.parseInt(m.group(1)));
                    } else if (n.find()) {
                        log.last = Math.max(log.last, Integer.parseInt(n.group(1)));
                    }
                }
                log.scanned = true;
            }
        }
        return log;
    }

    /** The newest {@code keep} entries of the end's file by number; unreadable lines skipped with a warning. */
    private TreeMap<Integer, HistoryEntry> read(String end) {
        TreeMap<Integer, HistoryEntry> entries = new TreeMap<>();
        int lineNo = 0;
        for (String line : lines(end)) {
            lineNo++;
            if (line.isBlank() || MARK.matcher(line).matches()) {
                continue;
            }
            try {
                HistoryEntry e = decode(end, line);
                entries.put(e.transaction().number(), e);
            } catch (RuntimeException e) {
                LOG.warn("history of {}: line {} of {} skipped, it cannot be read: {}", end, lineNo, file(end),
                        e.getMessage());
            }
        }
        while (entries.size() > keep) {
            entries.pollFirstEntry();
        }
        return entries;
    }

    private List<String> lines(String end) {
        Path f = file(end);
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history of " + end + " in " + f, e);
        }
    }

    private void write(EndLog log, HistoryEntry entry) {
        String end = entry.transaction().end();
        int last = Math.max(log.last, entry.transaction().number());
        try {
            if (log.lines + 1 > keep + keep / 2) {
                TreeMap<Integer, HistoryEntry> next = read(end);
                next.put(entry.transaction().number(), entry);
                while (next.size() > keep) {
                    next.pollFirstEntry();
                }
                StringBuilder b = new StringBuilder();
                b.append("last=").append(last).append('\n');
                for (HistoryEntry e : next.values()) {
                    b.append(encode(e)).append('\n');
                }
                SecureFiles.writeAtomically(file(end), b.toString());
                log.lines = next.size() + 1;
            } else {
                SecureFiles.append(file(end), encode(entry) + "\n");
                log.lines++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history of " + end + " in " + directory, e);
        }
        log.last = last;
    }

    static String encode(HistoryEntry entry) {
        Transaction t = entry.transaction();
        return KeyValueLine.create()
                .put("n", t.number())
                .put("end", t.end())
                .put("time", t.time())
                .put("trigger", t.trigger())
                .put("result", t.result().name().toLowerCase(Locale.ROOT))
                .put("restored", t.restored())
                .put("intent", t.intent())
                .putList("diff", t.diff())
                .putList("commands", t.commands())
                .put("detail", t.detail())
                .put("wanted", entry.intent().map(IntentCodec::encode).orElse(""))
                .toString();
    }

    static HistoryEntry decode(String end, String text) {
        KeyValueLine line = KeyValueLine.parse(text);
        if (!line.get("end").equals(end)) {
            throw new IllegalArgumentException("entry of end '" + line.get("end") + "' in the history of " + end);
        }
        Transaction.Result result;
        try {
            result = Transaction.Result.valueOf(line.get("result").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown result '" + line.get("result") + "'");
        }
        Instant time;
        try {
            time = Instant.parse(line.get("time"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'time' is not a time: " + line.get("time"));
        }
        int number = line.getInt("n");
        if (number < 1) {
            throw new IllegalArgumentException("entry number " + number + " must be positive");
        }
        String wanted = line.get("wanted");
        Transaction t = new Transaction(end, number, time, line.get("trigger"), line.get("intent"), line.getList("diff"),
                line.getList("commands"), result, line.get("detail"), line.getBoolean("restored"));
        return new HistoryEntry(t, wanted.isEmpty() ? Optional.empty() : Optional.of(IntentCodec.decode(wanted)));
    }

    private static Transaction renumber(Transaction t, int number) {
        return new Transaction(t.end(), number, t.time(), t.trigger(), t.intent(), t.diff(), t.commands(), t.result(),
                t.detail(), t.restored());
    }

    private Path file(String end) {
        return directory.resolve(end + SUFFIX);
    }
}

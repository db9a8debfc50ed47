package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The import procedure shared by {@code device:import}, {@code pool:import} and {@code lease:import}:
 * every record of the file is checked against the store before anything is written; one conflict
 * (the store holds something else under the same name or address) refuses the whole file and
 * nothing changes. Records the store already holds as they are count as unchanged, so importing a
 * file twice changes nothing the second time. Progress is reported every {@value #PROGRESS_EVERY}
 * records written.
 */
final class Importer {

    static final int PROGRESS_EVERY = 1000;
    /** At most this many problems are listed in a refusal. */
    static final int MAX_LISTED = 20;

    /** How one kind of record is checked against and written to the store. */
    interface Kind<T> {

        /** Plural noun for messages, e.g. {@code devices}. */
        String noun();

        /** The record as named in messages, e.g. {@code device smr-1} (never a key). */
        String describe(T item);

        /**
         * Whether the store already holds {@code item} as it is (true: nothing to write) or not at
         * all (false).
         *
         * @throws IllegalStateException if the store holds something else in its place (a conflict: the message says what)
         */
        boolean present(T item);

        /** Writes {@code item}; false if something took its place since it was checked. */
        boolean write(T item);
    }

    /** Why nothing was imported: the problems found, each naming its record. */
    static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * What an import did.
     *
     * @param imported  records written
     * @param unchanged records the store held already
     * @param lost      records something else took the place of between the check and the write
     */
    record Result(String noun, int imported, int unchanged, List<String> lost) {

        /** One line for the operator. */
        String summary() {
            if (imported == 0 && lost.isEmpty()) {
                return "Nothing imported: all " + unchanged + " " + noun + " of the file are already present, unchanged.";
            }
            String s = "Imported " + imported + " " + noun + "; " + unchanged + " already present, unchanged.";
            if (!lost.isEmpty()) {
                s += " Not imported, taken meanwhile: " + list(lost);
            }
            return s;
        }
    }

    private Importer() {
    }

    /** Refuses the file if {@code errors} (from reading it) is not empty. */
    static void refuseIfInvalid(String file, List<String> errors) throws Refused {
        if (!errors.isEmpty()) {
            throw new Refused("nothing imported: " + errors.size() + " problem(s) in " + file + ": " + list(errors));
        }
    }

    /** Checks every record, then writes the new ones. */
    static <T> Result run(List<T> items, Kind<T> kind, Consumer<String> progress) throws Refused {
        List<T> fresh = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        int unchanged = 0;
        for (T item : items) {
            try {
                if (kind.present(item)) {
                    unchanged++;
                } else {
                    fresh.add(item);
                }
            } catch (IllegalStateException e) {
                conflicts.add(kind.describe(item) + ": " + e.getMessage());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new Refused("nothing imported: " + conflicts.size() + " of " + items.size() + " " + kind.noun()
                    + " conflict with what the store holds: " + list(conflicts));
        }
        int written = 0;
        List<String> lost = new ArrayList<>();
        for (T item : fresh) {
            if (kind.write(item)) {
                written++;
            } else {
                lost.add(kind.describe(item));
            }
            int done = written + lost.size();
            if (done % PROGRESS_EVERY == 0 && done < fresh.size()) {
                progress.accept(kind.noun() + ": " + done + " of " + fresh.size() + " written");
            }
        }
        return new Result(kind.noun(), written, unchanged, List.copyOf(lost));
    }

    /** The first {@value #MAX_LISTED} entries, separated by "; ", and how many more. */
    static String list(List<String> entries) {
        String shown = String.join("; ", entries.subList(0, Math.min(MAX_LISTED, entries.size())));
        return entries.size() > MAX_LISTED ? shown + "; and " + (entries.size() - MAX_LISTED) + " more" : shown;
    }
}

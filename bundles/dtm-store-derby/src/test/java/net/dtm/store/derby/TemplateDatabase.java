package net.dtm.store.derby;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * An empty store database created once and copied for each test: creating a Derby database takes
 * a second or more, copying a cleanly shut down one a few milliseconds. The creation path itself
 * is tested in {@link DerbyStoreTest} and {@link DerbySchemaMigrationTest}.
 */
final class TemplateDatabase {

    private final Path template;

    /** Creates the template (a fresh store, closed) under {@code directory}. */
    TemplateDatabase(Path directory) {
        this.template = directory.resolve("template-db");
        new DerbyStore(template).close();
    }

    /** A copy of the template at {@code target}, ready to open. */
    Path copyTo(Path target) {
        try (Stream<Path> files = Files.walk(template)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(template.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the template database to " + target, e);
        }
        return target;
    }
}

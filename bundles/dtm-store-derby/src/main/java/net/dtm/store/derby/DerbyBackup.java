package net.dtm.store.derby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online backup of the Derby store: Derby's {@code SYSCS_UTIL.SYSCS_BACKUP_DATABASE} copies the
 * database (and the log it needs) into {@code <target>/<database folder name>} while writes go on;
 * the copy is consistent as of the moment the backup ended its copy of the log. The target folder
 * is created owner-only (the copy holds the device keys); a target that already holds a copy of
 * this database is refused, so a backup never overwrites another. Restoring: stop the node and put
 * the copy where the database was, or boot with {@code restoreFrom=<copy>} (docs/operations.md).
 */
final class DerbyBackup {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyStore.class);

    private DerbyBackup() {
    }

    /**
     * Backs {@code db} up into a new folder inside {@code target}.
     *
     * @return the copy's folder
     * @throws IllegalArgumentException if {@code target} is a file or already holds a copy of this database
     */
    static Path backup(DerbyConnections db, Path target) {
        Path folder = target.toAbsolutePath().normalize();
        Path copy = folder.resolve(db.directory().getFileName());
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is a file, not a folder");
        }
        if (Files.exists(copy)) {
            throw new IllegalArgumentException(folder + " already holds a backup of this database (" + copy
                    + "): choose a new folder, e.g. one named by date");
        }
        if (folder.startsWith(db.directory())) {
            throw new IllegalArgumentException(folder + " is inside the database " + db.directory());
        }
        try {
            OwnerOnlyFiles.createFolders(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the backup folder " + folder + ": " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        db.run("back the database up to " + folder, c -> {
            try (PreparedStatement ps = c.prepareStatement("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
                ps.setString(1, folder.toString());
                ps.execute();
            }
            return null;
        });
        try {
            OwnerOnlyFiles.restrictTree(copy);
        } catch (IOException e) {
            LOG.warn("derby store: backup {} written, but its permissions could not be restricted to the owner: {}", copy,
                    e.toString());
        }
        LOG.info("derby store: database {} backed up to {} in {} ms", db.directory(), copy,
                (System.nanoTime() - started) / 1_000_000);
        return copy;
    }
}

package net.dtm.store.derby;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps a folder and what is in it readable by the owner only: folders created {@code 0700}, and
 * group and other permission bits taken off existing folders and files (the owner's bits are
 * left as they are, so a folder becomes at most {@code 0700} and a file at most {@code 0600}
 * unless the owner had execute on it). Symbolic links are not followed. On a file system
 * without POSIX permissions nothing is changed.
 */
final class OwnerOnlyFiles {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DerbyStore.class);

    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /** Creates {@code folder} and its missing parents with mode {@code 0700} (existing ones are not changed). */
    static void createFolders(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (Files.exists(absolute)) {
            // a file in the way: say so here (Derby would fail too, but leave a database named "null" behind)
            throw new java.nio.file.NotDirectoryException(absolute + " exists and is not a folder");
        }
        if (!isPosix(absolute)) {
            Files.createDirectories(absolute);
            return;
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = absolute; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile by someone else: fine if it is a folder
                if (!Files.isDirectory(p)) {
                    throw raced;
                }
            }
            // the umask may have taken bits the owner needs; never more than 0700
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * Takes group and other permissions off {@code root} and, if it is a folder, everything in
     * it; returns one line per path changed, e.g. {@code /x/seg0/c10.dat rw-r--r-- -> rw-------}.
     * A missing {@code root} changes nothing.
     */
    static List<String> restrictTree(Path root) throws IOException {
        List<String> changed = new ArrayList<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS) || !isPosix(root)) {
            return changed;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                restrict(dir, changed);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() || attrs.isDirectory()) {
                    restrict(file, changed);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return changed;
    }

    /**
     * {@link #restrictTree} and one INFO line naming what was changed (the first few paths), e.g.
     * {@code made 3 paths of the data folder /x accessible to the owner only: [...]}.
     */
    static List<String> restrictTreeLogged(Path root, String what) throws IOException {
        List<String> changed = restrictTree(root);
        if (!changed.isEmpty()) {
            LOG.info("derby store: made {} paths of {} {} accessible to the owner only: {}", changed.size(), what, root,
                    changed.size() <= 5 ? changed : changed.subList(0, 5) + " ...");
        }
        return changed;
    }

    /** Takes group and other permissions off {@code path} alone (not its contents); the change made, or null. */
    static String restrict(Path path) throws IOException {
        List<String> changed = new ArrayList<>(1);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isPosix(path)) {
            restrict(path, changed);
        }
        return changed.isEmpty() ? null : changed.get(0);
    }

    private static void restrict(Path path, List<String> changed) throws IOException {
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> after = EnumSet.noneOf(PosixFilePermission.class);
        after.addAll(before);
        if (!after.removeAll(GROUP_AND_OTHERS)) {
            return;
        }
        Files.setPosixFilePermissions(path, after);
        changed.add(path + " " + PosixFilePermissions.toString(before) + " -> " + PosixFilePermissions.toString(after));
    }

    /** True if {@code path} may be read, written or entered by the group or others. */
    static boolean openToOthers(Path path) throws IOException {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
        p.retainAll(GROUP_AND_OTHERS);
        return !p.isEmpty();
    }

    static boolean isPosix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && supportsPosix(existing);
    }

    private static boolean supportsPosix(Path existing) {
        try {
            return Files.getFileStore(existing).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.cutover.replication.internal.ndjson;

import dev.cutover.replication.internal.SegmentLayouts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The segments of a newline-delimited file: byte ranges of about equal size, each starting at a
 * line start, with the number of the line each starts at. Found by one pass over the file that
 * counts line breaks.
 *
 * @param size the file's size when scanned
 * @param starts {@code starts[s]} is where segment {@code s} begins; {@code starts[n]} is the size
 * @param firstLines {@code firstLines[s]} is the 1-based number of the line at {@code starts[s]}
 */
public record NdjsonLayout(long size, long[] starts, long[] firstLines) {

    public static NdjsonLayout scan(Path file, int segments) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long[] starts = new long[segments + 1];
            long[] lines = new long[segments + 1];
            starts[segments] = size;
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            long pos = 0;
            long newlines = 0;
            int next = 1; // the next boundary to place: the first line start at or after s * size / n
            lines[0] = 1;
            while (next < segments && size * next / segments == 0) {
                lines[next] = 1;
                next++;
            }
            while (pos < size && next < segments) {
                buf.clear();
                int read = ch.read(buf, pos);
                if (read <= 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    if (buf.get(i) == '\n') {
                        newlines++;
                        long lineStart = pos + i + 1;
                        while (next < segments && lineStart >= size * next / segments) {
                            starts[next] = lineStart;
                            lines[next] = newlines + 1;
                            next++;
                        }
                    }
                }
                pos += read;
            }
            while (next < segments) { // no line start after the nominal boundary: empty segments at the end
                starts[next] = size;
                lines[next] = newlines + 1;
                next++;
            }
            return new NdjsonLayout(size, starts, lines);
        }
    }

    public int segments() {
        return starts.length - 1;
    }

    /** The source's layout: the segments' start offsets decide which lines each holds. */
    public String id() {
        return "ndjson byte ranges, " + segments() + " segments, " + size + " bytes, starts sha-256 "
                + SegmentLayouts.digest(starts);
    }
}

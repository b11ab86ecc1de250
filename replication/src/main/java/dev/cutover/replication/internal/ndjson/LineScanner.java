package dev.cutover.replication.internal.ndjson;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads lines of a byte range of a file, tracking each line's byte offset: what a
 * newline-delimited JSON segment is read with. A line ends at {@code \n} (a {@code \r} before it
 * is dropped) or at the end of the range. A line longer than the limit is skipped to its end and
 * reported as too long rather than held in memory. Not thread-safe: one per read.
 */
public final class LineScanner {
    /** One line: its bytes {@code [0, length)} of {@link #bytes} unless {@link #tooLong}. */
    public static final class Line {
        public long offset;
        public long number;
        public byte[] bytes = new byte[256];
        public int length;
        public boolean tooLong;
    }

    private final FileChannel channel;
    private final long end;
    private final int maxLineBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long position;
    private long lineNumber;
    private final Line line = new Line();

    /**
     * @param start a line start
     * @param firstLineNumber the 1-based number of the line at {@code start}
     */
    public LineScanner(FileChannel channel, long start, long end, long firstLineNumber, int maxLineBytes) {
        this.channel = channel;
        this.end = end;
        this.maxLineBytes = maxLineBytes;
        this.position = start;
        this.lineNumber = firstLineNumber;
        buffer.limit(0);
    }

    /** Where the next line starts (the end of the range once every line was read). */
    public long position() {
        return position;
    }

    /** The number of the next line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The next line, or null at the end of the range; the returned object is reused. */
    public Line next() throws IOException {
        if (position >= end) {
            return null;
        }
        line.offset = position;
        line.number = lineNumber;
        line.length = 0;
        line.tooLong = false;
        boolean newline = false;
        while (!newline && position < end) {
            if (!buffer.hasRemaining() && !fill()) {
                break;
            }
            byte b = buffer.get();
            position++;
            if (b == '\n') {
                newline = true;
            } else if (line.length < maxLineBytes) {
                if (line.length == line.bytes.length) {
                    line.bytes = Arrays.copyOf(line.bytes, Math.min(maxLineBytes, line.bytes.length * 2));
                }
                line.bytes[line.length++] = b;
            } else {
                line.tooLong = true;
            }
        }
        lineNumber++;
        if (line.length > 0 && line.bytes[line.length - 1] == '\r' && !line.tooLong) {
            line.length--;
        }
        return line;
    }

    private boolean fill() throws IOException {
        buffer.clear();
        long wanted = Math.min(buffer.capacity(), end - position);
        buffer.limit((int) wanted);
        int read = channel.read(buffer, position);
        buffer.flip();
        if (read <= 0) {
            position = end; // the file shrank: nothing more to read
            return false;
        }
        return true;
    }
}

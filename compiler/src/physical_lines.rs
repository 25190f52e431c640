//! A CSV record's line as the file has it. The csv crate counts a record's
//! line by the `\n`s before it: one too few after every record a CRLF ends
//! (what spreadsheet programs and Python's `csv` module write), and none at
//! all after a lone CR. [`Counted`] keeps the bytes it passes on to the csv
//! reader until their lines are counted, and [`Lines::at`] gives the line of a
//! record's byte offset: `\n`, `\r\n` and a lone `\r` each end one line, a
//! quoted field over several lines counts every one of them, and a record's
//! line is that of its first character (the csv reader may place a record
//! after blank lines at the first of them).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

/// The bytes read and not yet counted, and the line of the first of them.
#[derive(Default)]
struct Uncounted {
    /// The offset of `bytes[0]` in the file.
    at: u64,
    /// What was read from `at` on: the csv reader's read-ahead, at most.
    bytes: VecDeque<u8>,
    /// The 0-based line of `bytes[0]`.
    line: u64,
    /// Whether the byte before `bytes[0]` was a `\r` (a `\n` next ends no line).
    after_cr: bool,
}

impl Uncounted {
    /// Counts the first `n` bytes (as many as there are) out.
    fn count(&mut self, n: usize) {
        let n = n.min(self.bytes.len());
        for &byte in self.bytes.range(..n) {
            if byte == b'\r' || (byte == b'\n' && !self.after_cr) {
                self.line += 1;
            }
            self.after_cr = byte == b'\r';
        }
        self.bytes.drain(..n);
        self.at += n as u64;
    }
}

/// The lines of what a [`Counted`] reader passed on.
#[derive(Clone, Default)]
pub struct Lines(Rc<RefCell<Uncounted>>);

impl Lines {
    /// The 1-based line of the first character at or after byte `offset`
    /// (past line ends); offsets must be asked for in order (each record's
    /// after the one before).
    pub fn at(&self, offset: u64) -> u64 {
        let mut uncounted = self.0.borrow_mut();
        let before = usize::try_from(offset.saturating_sub(uncounted.at)).unwrap_or(usize::MAX);
        uncounted.count(before);
        let ends = uncounted.bytes.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        uncounted.count(ends);
        uncounted.line + 1
    }

    /// The line of a csv record's or error's position (1 when it has none).
    pub fn of(&self, position: Option<&csv::Position>) -> u64 {
        position.map_or(1, |p| self.at(p.byte()))
    }
}

/// A reader that keeps what it reads for [`Lines`] to count.
pub struct Counted<R> {
    inner: R,
    lines: Lines,
}

impl<R: Read> Counted<R> {
    /// `inner`, counted; the [`Lines`] to ask.
    pub fn new(inner: R) -> (Self, Lines) {
        let lines = Lines::default();
        (Self { inner, lines: lines.clone() }, lines)
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines.0.borrow_mut().bytes.extend(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of every record of `text`, as the csv reader finds them.
    fn record_lines(text: &str) -> Vec<u64> {
        let (counted, lines) = Counted::new(text.as_bytes());
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(counted);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            out.push(lines.of(record.position()));
        }
        out
    }

    #[test]
    fn every_line_ending_ends_one_line() {
        assert_eq!(record_lines("h,x\na,1\nb,2\n"), [1, 2, 3]);
        assert_eq!(record_lines("h,x\r\na,1\r\nb,2\r\n"), [1, 2, 3]);
        assert_eq!(record_lines("h,x\ra,1\rb,2"), [1, 2, 3]);
        assert_eq!(record_lines("h,x\r\n\r\na,1\n\rb,2"), [1, 3, 5], "blank lines count");
        assert_eq!(
            record_lines("h,x\r\n\"a\r\nz\",1\r\nb,2\r\n"),
            [1, 2, 4],
            "a quoted field over two"
        );
        assert_eq!(record_lines("h,x\r\"a\rz\",1\rb,2"), [1, 2, 4]);
    }

    #[test]
    fn a_crlf_split_between_two_reads_is_one_line_end() {
        /// Hands out one byte a read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else { return Ok(0) };
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        let (counted, lines) = Counted::new(Trickle(b"h,x\r\na,1\r\nb,2\r\n"));
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(counted);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            out.push(lines.of(record.position()));
        }
        assert_eq!(out, [1, 2, 3]);
    }
}

//! [`Axes`]: a short list of per-axis numbers (a shape, strides, levels, a selection plan)
//! kept inline up to [`INLINE`] entries and on the heap beyond, so that making, selecting and
//! cloning views of up to four dimensions allocates nothing, as ndarray's `IxDyn` does. Safe code.

#![forbid(unsafe_code)]

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

/// Entries kept inline.
pub(crate) const INLINE: usize = 4;

/// A list of `T`, inline up to [`INLINE`] entries. Derefs to `[T]`.
#[derive(Clone)]
pub(crate) struct Axes<T: Copy + Default>(Repr<T>);

#[derive(Clone)]
enum Repr<T: Copy + Default> {
    Inline { len: usize, buf: [T; INLINE] },
    Heap(Vec<T>),
}

impl<T: Copy + Default> Axes<T> {
    /// An empty list.
    #[inline]
    pub(crate) fn new() -> Axes<T> {
        Axes(Repr::Inline {
            len: 0,
            buf: [T::default(); INLINE],
        })
    }

    /// `n` copies of `value`, written at once (not pushed one by one).
    #[inline]
    pub(crate) fn repeat(value: T, n: usize) -> Axes<T> {
        if n <= INLINE {
            Axes(Repr::Inline {
                len: n,
                buf: [value; INLINE],
            })
        } else {
            Axes(Repr::Heap(vec![value; n]))
        }
    }

    /// The first `len` entries of `buf` (`len <= INLINE`, else only `INLINE` are kept: checked
    /// in debug builds).
    #[inline]
    pub(crate) fn inline(len: usize, buf: [T; INLINE]) -> Axes<T> {
        debug_assert!(len <= INLINE);
        Axes(Repr::Inline {
            len: len.min(INLINE),
            buf,
        })
    }

    /// Append one entry.
    #[inline]
    pub(crate) fn push(&mut self, value: T) {
        match &mut self.0 {
            Repr::Inline { len, buf } if *len < INLINE => {
                buf[*len] = value;
                *len += 1;
            }
            _ => self.push_slow(value),
        }
    }

    /// [`push`](Self::push) onto a full inline list or the heap.
    #[cold]
    #[inline(never)]
    fn push_slow(&mut self, value: T) {
        match &mut self.0 {
            Repr::Inline { len, buf } => {
                let mut v = buf[..*len].to_vec();
                v.push(value);
                self.0 = Repr::Heap(v);
            }
            Repr::Heap(v) => v.push(value),
        }
    }

    /// Remove and return the last entry.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        match &mut self.0 {
            Repr::Inline { len, buf } => {
                let n = len.checked_sub(1)?;
                *len -= 1;
                Some(buf[n])
            }
            Repr::Heap(v) => v.pop(),
        }
    }

    /// Append every entry of `values`.
    #[inline]
    pub(crate) fn extend_from_slice(&mut self, values: &[T]) {
        for &v in values {
            self.push(v);
        }
    }

    /// The entries, owned.
    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.deref().to_vec()
    }
}

impl<T: Copy + Default> Default for Axes<T> {
    fn default() -> Axes<T> {
        Axes::new()
    }
}

impl<T: Copy + Default> Deref for Axes<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match &self.0 {
            Repr::Inline { len, buf } => &buf[..*len],
            Repr::Heap(v) => v,
        }
    }
}

impl<T: Copy + Default> DerefMut for Axes<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Repr::Inline { len, buf } => &mut buf[..*len],
            Repr::Heap(v) => v,
        }
    }
}

impl<T: Copy + Default> From<&[T]> for Axes<T> {
    #[inline]
    fn from(values: &[T]) -> Axes<T> {
        if values.len() <= INLINE {
            // Entry by entry at fixed indices rather than `copy_from_slice` (a `memmove` call
            // whose stores the list's next move may not be able to forward): 2-D views made
            // and cast ~2 ns faster.
            let mut buf = [T::default(); INLINE];
            for (k, b) in buf.iter_mut().enumerate() {
                if let Some(&v) = values.get(k) {
                    *b = v;
                }
            }
            Axes(Repr::Inline {
                len: values.len(),
                buf,
            })
        } else {
            Axes(Repr::Heap(values.to_vec()))
        }
    }
}

impl<T: Copy + Default, const N: usize> From<[T; N]> for Axes<T> {
    fn from(values: [T; N]) -> Axes<T> {
        Axes::from(&values[..])
    }
}

impl<T: Copy + Default> From<Vec<T>> for Axes<T> {
    fn from(values: Vec<T>) -> Axes<T> {
        if values.len() <= INLINE {
            Axes::from(&values[..])
        } else {
            Axes(Repr::Heap(values))
        }
    }
}

impl<T: Copy + Default> FromIterator<T> for Axes<T> {
    #[inline]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Axes<T> {
        let mut a = Axes::new();
        for v in iter {
            a.push(v);
        }
        a
    }
}

impl<'a, T: Copy + Default> IntoIterator for &'a Axes<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> std::slice::Iter<'a, T> {
        self.iter()
    }
}

/// The entries of an [`Axes`], by value.
pub(crate) struct IntoIter<T: Copy + Default> {
    axes: Axes<T>,
    next: usize,
}

impl<T: Copy + Default> Iterator for IntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let v = self.axes.get(self.next).copied()?;
        self.next += 1;
        Some(v)
    }
}

impl<T: Copy + Default> IntoIterator for Axes<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        IntoIter {
            axes: self,
            next: 0,
        }
    }
}

impl<T: Copy + Default + PartialEq> PartialEq for Axes<T> {
    fn eq(&self, other: &Axes<T>) -> bool {
        self[..] == other[..]
    }
}

impl<T: Copy + Default + Eq> Eq for Axes<T> {}

impl<T: Copy + Default + PartialEq> PartialEq<[T]> for Axes<T> {
    fn eq(&self, other: &[T]) -> bool {
        self[..] == *other
    }
}

impl<T: Copy + Default + PartialEq> PartialEq<Vec<T>> for Axes<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self[..] == other[..]
    }
}

impl<T: Copy + Default + Hash> Hash for Axes<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self[..].hash(state);
    }
}

impl<T: Copy + Default + fmt::Debug> fmt::Debug for Axes<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self[..], f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_then_heap() {
        let mut a: Axes<isize> = Axes::new();
        for k in 0..10 {
            a.push(k);
            assert_eq!(a.len(), k as usize + 1);
            assert_eq!(a[k as usize], k);
        }
        assert_eq!(a, (0..10).collect::<Vec<_>>());
        let b: Axes<isize> = (0..3).collect();
        assert_eq!(b, Axes::from([0, 1, 2]));
        let mut c = b.clone();
        c.reverse();
        assert_eq!(&c[..], &[2, 1, 0]);
        assert_eq!(Axes::from(vec![1usize; 9]).to_vec(), vec![1; 9]);
        assert_eq!(Axes::repeat(0usize, 7).len(), 7);
        assert_eq!(format!("{:?}", Axes::from([1usize, 2])), "[1, 2]");
    }
}

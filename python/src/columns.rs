//! Columns shared with numpy without a copy: a one-dimensional, contiguous
//! array read through its `__array_interface__` (numpy's own description
//! of its memory: address, type, shape, strides) as a Rust slice; and a
//! short `str` read into a buffer on the stack. The package's only unsafe
//! code; the batch queries (`crate::batch`) read their inputs through it,
//! and a day given as a string is read by `ascii`. numpy's buffer protocol would do the same, but
//! it is not in the stable ABI before Python 3.11, and the wheel is one
//! abi3 wheel for 3.9 and later.

#![expect(
    unsafe_code,
    reason = "reading a numpy array's memory in place is the point of a batch; each block says why it is sound"
)]

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::errors::type_error;

/// An element type a column may hold, by numpy's type strings for it
/// (little-endian, as every machine the wheel is built for).
pub trait Element: Copy + Send + Sync {
    const TYPESTRS: &'static [&'static str];
    const NAME: &'static str;
}

impl Element for i64 {
    const TYPESTRS: &'static [&'static str] = &["<i8", "<M8[D]"];
    const NAME: &'static str = "int64";
}

impl Element for i32 {
    const TYPESTRS: &'static [&'static str] = &["<i4"];
    const NAME: &'static str = "int32";
}

impl Element for u64 {
    const TYPESTRS: &'static [&'static str] = &["<u8"];
    const NAME: &'static str = "uint64";
}

/// A character of a numpy `str` array (`<U` width: UCS-4).
impl Element for u32 {
    const TYPESTRS: &'static [&'static str] = &[];
    const NAME: &'static str = "str";
}

impl<'py> Column<'py, u32> {
    /// The characters of a numpy `str` array (`<U{width}`), and its width:
    /// item i is `width` characters from i * width, padded with NULs.
    pub fn unicode(array: &Bound<'py, PyAny>, what: &str) -> PyResult<(Column<'py, u32>, usize)> {
        let width = |typestr: &str| {
            typestr
                .strip_prefix("<U")
                .and_then(|w| w.parse::<usize>().ok())
                .filter(|w| *w > 0)
        };
        let column = Column::read(array, what, width)?;
        let typestr: String = array.getattr("__array_interface__")?.get_item("typestr")?.extract()?;
        Ok((column, width(&typestr).unwrap_or(1)))
    }
}

/// A numpy array's elements, borrowed for as long as the array is held.
pub struct Column<'py, T> {
    /// Holding the array keeps its memory alive (and, while referenced,
    /// numpy refuses to resize it).
    _array: Bound<'py, PyAny>,
    address: usize,
    len: usize,
    marker: std::marker::PhantomData<T>,
}

impl<'py, T: Element> Column<'py, T> {
    /// The elements of `array`, which must be a one-dimensional contiguous
    /// numpy array of `T` (the Python layer, `charter._batch`, makes one).
    pub fn of(array: &Bound<'py, PyAny>, what: &str) -> PyResult<Column<'py, T>> {
        Column::read(array, what, |typestr| T::TYPESTRS.contains(&typestr).then_some(1))
    }

    /// `array`'s memory as elements of `T`, where `per_item` says how many
    /// make one item of an array of that type string (`None`: a type
    /// string not accepted).
    fn read(
        array: &Bound<'py, PyAny>,
        what: &str,
        per_item: impl Fn(&str) -> Option<usize>,
    ) -> PyResult<Column<'py, T>> {
        let py = array.py();
        let wrong = |why: &str| type_error(py, format!("{what}: {why}"));
        let interface = array
            .getattr("__array_interface__")
            .map_err(|_| wrong("expected a numpy array"))?;
        let interface = interface
            .cast::<PyDict>()
            .map_err(|_| wrong("expected a numpy array"))?;
        let item = |key: &str| -> PyResult<Bound<'py, PyAny>> {
            interface
                .get_item(key)?
                .ok_or_else(|| wrong(&format!("the array interface has no `{key}`")))
        };
        let typestr: String = item("typestr")?.extract()?;
        let Some(per_item) = per_item(&typestr) else {
            return Err(wrong(&format!("expected an array of {}, got `{typestr}`", T::NAME)));
        };
        let shape = item("shape")?;
        let shape = shape.cast::<PyTuple>().map_err(|_| wrong("a shape must be a tuple"))?;
        let items: usize = match shape.len() {
            1 => shape.get_item(0)?.extract()?,
            n => return Err(wrong(&format!("expected a one-dimensional array, got {n} dimensions"))),
        };
        let len = items
            .checked_mul(per_item)
            .ok_or_else(|| wrong("the array is too large"))?;
        let size = std::mem::size_of::<T>() * per_item;
        match interface.get_item("strides")? {
            None => {}
            Some(strides) if strides.is_none() => {}
            Some(strides) => {
                let strides: Vec<isize> = strides.extract()?;
                if strides != [size as isize] && items > 1 {
                    return Err(wrong("expected a contiguous array"));
                }
            }
        }
        let (address, _readonly): (usize, bool) = item("data")?.extract()?;
        if len > 0 && (address == 0 || address % std::mem::align_of::<T>() != 0) {
            return Err(wrong("expected an aligned array"));
        }
        if items.checked_mul(size).is_none_or(|bytes| bytes > isize::MAX as usize) {
            return Err(wrong("the array is too large"));
        }
        Ok(Column {
            _array: array.clone(),
            address,
            len,
            marker: std::marker::PhantomData,
        })
    }

    /// The elements. Another thread writing to the array during a batch
    /// is the caller's race, as with any numpy function that releases the
    /// GIL.
    pub fn as_slice(&self) -> &[T] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: numpy's array interface gives the address of `len`
        // contiguous, aligned elements of `T` (the type string, shape,
        // strides and alignment were checked in `of`), valid while the
        // array lives; `self` holds a reference to it, and numpy refuses
        // to resize or free the memory of an array still referenced. The
        // slice borrows `self`, so it cannot outlive that reference.
        unsafe { std::slice::from_raw_parts(self.address as *const T, self.len) }
    }
}

/// The characters of `text` if it has exactly `N` and all are ASCII,
/// copied into `buffer` without making a Python or Rust string (the
/// stable ABI of 3.9 has no borrowed UTF-8 view of a `str`).
pub fn ascii<'b, const N: usize>(text: &Bound<'_, pyo3::types::PyString>, buffer: &'b mut [u8; N]) -> Option<&'b str> {
    let mut chars = [0u32; N];
    // SAFETY: `text` is a live `str` (the reference keeps it alive), and
    // the call writes at most `N` characters into `chars`, whose length it
    // is given; with `copy_null` 0 it writes no terminator. It fails (and
    // sets an exception, taken below) only when `text` is longer.
    let written =
        unsafe { pyo3::ffi::PyUnicode_AsUCS4(text.as_ptr(), chars.as_mut_ptr(), N as pyo3::ffi::Py_ssize_t, 0) };
    if written.is_null() {
        drop(PyErr::take(text.py()));
        return None;
    }
    if text.len().ok()? != N {
        return None;
    }
    for (byte, c) in buffer.iter_mut().zip(chars) {
        *byte = u8::try_from(c).ok().filter(u8::is_ascii)?;
    }
    std::str::from_utf8(buffer).ok()
}

/// The characters of `text` if it has at most `N` and all are ASCII,
/// copied into `buffer` as [`ascii`] does.
pub fn ascii_prefix<'b, const N: usize>(
    text: &Bound<'_, pyo3::types::PyString>,
    buffer: &'b mut [u8; N],
) -> Option<&'b str> {
    let len = text.len().ok()?;
    if len > N {
        return None;
    }
    let mut chars = [0u32; N];
    // SAFETY: as in `ascii`: `text` is a live `str` of `len` <= `N`
    // characters, and the call writes at most `N` into `chars`.
    let written =
        unsafe { pyo3::ffi::PyUnicode_AsUCS4(text.as_ptr(), chars.as_mut_ptr(), N as pyo3::ffi::Py_ssize_t, 0) };
    if written.is_null() {
        drop(PyErr::take(text.py()));
        return None;
    }
    for (byte, c) in buffer.iter_mut().zip(chars).take(len) {
        *byte = u8::try_from(c).ok().filter(u8::is_ascii)?;
    }
    std::str::from_utf8(buffer.get(..len)?).ok()
}

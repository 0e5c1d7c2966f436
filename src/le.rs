//! Little-endian numbers, the byte order of model files and workspace blobs: one encoder and one
//! decoder for every number type stored, so that the layout is written down once.

/// A number stored little-endian.
pub trait Le: Copy {
    /// Bytes per number.
    const SIZE: usize;
    /// Decodes `SIZE` bytes.
    fn from_le(bytes: &[u8]) -> Self;
    /// Appends the `SIZE` bytes of `self`.
    fn put_le(self, out: &mut Vec<u8>);
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn from_le(bytes: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(&bytes[..Self::SIZE]);
                <$t>::from_le_bytes(a)
            }
            fn put_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
le!(f32, f64, u32, u64);

/// The numbers in `bytes` (a trailing partial number is ignored).
pub fn decode<T: Le>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(T::SIZE).map(T::from_le).collect()
}

/// The bytes of `values`.
pub fn encode<T: Le>(values: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * T::SIZE);
    values.iter().for_each(|v| v.put_le(&mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_little_endian() {
        assert_eq!(encode(&[1.0f32]), [0, 0, 0x80, 0x3f]);
        assert_eq!(encode(&[1u64]), [1, 0, 0, 0, 0, 0, 0, 0]);
        let v = [0.1f64, -2.5, f64::MAX];
        assert_eq!(decode::<f64>(&encode(&v)), v);
        assert_eq!(decode::<f32>(&[0, 0, 0x80, 0x3f, 9]), [1.0], "partial tail ignored");
    }
}

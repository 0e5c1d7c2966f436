//! Serde for `Array2<f32>` as a list of rows (`[[…], […]]`): readable from Python/R, and
//! independent of ndarray's optional `serde` feature (not enabled in this crate).
//! Use with `#[serde(with = "crate::reduce::array_serde")]`.

use ndarray::{Array2, ArrayView1};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(a: &Array2<f32>, s: S) -> Result<S::Ok, S::Error> {
    struct Row<'a>(ArrayView1<'a, f32>);
    impl Serialize for Row<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter())
        }
    }
    s.collect_seq(a.outer_iter().map(Row))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array2<f32>, D::Error> {
    let rows = Vec::<Vec<f32>>::deserialize(d)?;
    let n_cols = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != n_cols) {
        return Err(D::Error::custom("matrix rows have different lengths"));
    }
    Array2::from_shape_vec((rows.len(), n_cols), rows.concat()).map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct M(#[serde(with = "super")] ndarray::Array2<f32>);

    #[test]
    fn round_trip_as_rows() {
        let m = M(ndarray::array![[1.0f32, 2.5], [-3.0, 0.0]]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "[[1.0,2.5],[-3.0,0.0]]");
        assert_eq!(serde_json::from_str::<M>(&json).unwrap(), m);
        assert!(serde_json::from_str::<M>("[[1.0],[2.0,3.0]]").is_err());
    }
}

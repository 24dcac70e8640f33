//! Property: the newer Cisco image reader ([`itl::image`]) never panics, strict or lenient,
//! on any bytes, on bytes behind its magic, or on a real image with bytes changed; a strict
//! success is a lenient one without warnings, and every error has an offset inside the input.

mod common;

use itl::image::{Image, MAGIC};
use itl::Mode;
use proptest::prelude::*;

fn exercise(b: &[u8]) {
    let strict = Image::parse(b);
    let lenient = Image::parse_with(b, Mode::Lenient);
    match (&strict, &lenient) {
        (Ok(s), Ok(l)) => {
            assert!(l.warnings.is_empty());
            assert_eq!(s, l);
        }
        (Ok(_), Err(e)) => panic!("strict accepted what lenient refused: {e}"),
        (Err(e), _) => {
            let at = e.offset().expect("an offset");
            assert!(at <= b.len(), "offset {at} past {} bytes", b.len());
        }
    }
    if let Ok(i) = lenient {
        assert!(i.header_length + i.payload.len() <= b.len());
        let _ = i.payload_matches();
        let _ = itl::show::ShowImage::new(&i).to_string();
        let _ = itl::json::to_string(&itl::json::ImageJson::new("f", &i));
        let _ = i.verify();
    }
    let _ = itl::image::file_name(b);
    let _ = itl::document::Document::read(b, Some("x.loads"));
    let _ = itl::document::too_large(b, 1 << 20);
}

fn real() -> Vec<u8> {
    std::fs::read(common::testdata().join("cisco/sip78xx.11-0-1-11.loads")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..700)) {
        exercise(&b);
    }

    #[test]
    fn arbitrary_bytes_behind_the_magic_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..700)) {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&tail);
        exercise(&b);
    }

    #[test]
    fn small_header_values_never_panic(header in 0u64..800, payload in 0u64..800, name in 0u32..800,
                                      tail in proptest::collection::vec(any::<u8>(), 0..900)) {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&header.to_le_bytes());
        b.extend_from_slice(&payload.to_le_bytes());
        b.extend_from_slice(&[0; 32]);
        b.extend_from_slice(&name.to_le_bytes());
        b.extend_from_slice(&tail);
        exercise(&b);
    }

    #[test]
    fn changed_real_images_never_panic(edits in proptest::collection::vec((0usize..1308, any::<u8>()), 1..6),
                                       cut in 0usize..1400) {
        let mut b = real();
        for (at, v) in edits {
            b[at] = v;
        }
        b.truncate(cut);
        exercise(&b);
    }
}

//! Makes the photos of `bench/images.sh`: `N` JPEG files `photo-001.jpg`… of `WIDTH` × 3/4
//! WIDTH pixels in `DIR`, noisy gradients that compress like photos (a flat gradient would
//! make the encoders look ten times faster than on real photos). Existing files are kept.
//!
//!     cargo run --release --manifest-path bench/photos/Cargo.toml -- N DIR [WIDTH]
//!
//! A crate of its own (see its Cargo.toml): it builds `image` and nothing else.

use image::{ImageEncoder, RgbImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (args.first(), args.get(1)) else {
        return Err("usage: bench-photos N DIR [WIDTH]".into());
    };
    let count: u32 = count.parse()?;
    let width: u32 = args.get(2).map_or(Ok(4000), |w| w.parse())?;
    let height = width * 3 / 4;
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir)?;
    for n in 1..=count {
        let path = dir.join(format!("photo-{n:03}.jpg"));
        if path.exists() {
            continue;
        }
        // xorshift noise over a gradient whose colours differ from photo to photo.
        let mut state = 0x9E37_79B9_u32 ^ n.wrapping_mul(0x85EB_CA6B);
        let image = RgbImage::from_fn(width, height, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 48) as i32 - 24;
            let channel = |base: u32| (base as i32 + noise).clamp(0, 255) as u8;
            image::Rgb([
                channel(x * 255 / width),
                channel(y * 255 / height),
                channel((n * 37 + (x + y) / 16) % 256),
            ])
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )?;
        let temp = path.with_extension("jpg.tmp");
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &path)?;
    }
    Ok(())
}

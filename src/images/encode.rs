//! Pixels: reading an image's header, decoding it upright, resizing and encoding its copies,
//! and the cache that keeps each copy between builds.
//!
//! The cache is a folder of Passerelle's own, `.passerelle-cache/images/` at the site root:
//! one file per copy, named by its key (`Variant::key`: the source's digest, the size,
//! format, quality and encoder version), so a file is never stale and never needs to be
//! checked against its source. It holds only files Passerelle wrote, each written under a
//! temporary name and renamed into place, so a build killed halfway leaves no half file
//! under a real name. Deleting it at any time only makes the next build encode again.

use super::{Format, MAX_DIMENSION, Picture, Variant};
use crate::diagnostic::Diagnostic;
use crate::output::Sink;
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use rayon::prelude::*;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".passerelle-cache/images";

/// What a run made of the images the site uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Copies encoded from their source.
    pub encoded: usize,
    /// Copies read from the cache.
    pub from_cache: usize,
    /// Copies the output already had (the preview's later runs).
    pub unchanged: usize,
    /// Copies that could not be written to the cache (the build goes on without it).
    pub not_cached: usize,
}

impl Stats {
    /// `images: 4 encoded, 8 from cache`, as `PASSERELLE_TIMINGS=1` prints it.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "images: {} encoded, {} from cache",
            self.encoded, self.from_cache
        );
        if self.unchanged > 0 {
            text.push_str(&format!(", {} unchanged", self.unchanged));
        }
        if self.not_cached > 0 {
            text.push_str(&format!(
                ", {} could not be written to {CACHE_DIR}",
                self.not_cached
            ));
        }
        text
    }
}

/// What the header of an image says.
pub(super) struct Header {
    /// Upright size (EXIF orientation applied).
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) alpha: bool,
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|err| err.to_string())?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(other) => {
            return Err(format!(
                "its bytes are a {other:?} image, not the JPEG, PNG or WebP its name says"
            ));
        }
        None => return Err("its bytes are not a JPEG, PNG or WebP image".into()),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    reader.limits(limits);
    Ok(reader)
}

/// Whether an EXIF orientation turns the image a quarter turn (width and height swap).
fn swaps(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Reads an image's header only: cheap enough to do for every image when it changes.
pub(super) fn probe(bytes: &[u8]) -> Result<Header, String> {
    let mut decoder = reader(bytes)?
        .into_decoder()
        .map_err(|err| err.to_string())?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(format!("it claims a size of {width}×{height} pixels"));
    }
    // A broken EXIF block is no reason to refuse a photo: it is shown as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if swaps(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Header {
        width,
        height,
        alpha: decoder.color_type().has_alpha(),
    })
}

/// Decodes a whole image, turned upright.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut decoder = reader(bytes)?
        .into_decoder()
        .map_err(|err| err.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|err| err.to_string())?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The copies' cache (see the module's comment).
pub(super) struct Cache {
    /// `None` when the folder cannot be used safely (a symbolic link could send the
    /// writes outside the site): copies are then encoded on every build.
    dir: Option<PathBuf>,
}

/// Makes temporary names unique within the process; the process id separates builds.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Cache {
    pub(super) fn new(root: &Path) -> Self {
        let top = root.join(".passerelle-cache");
        let dir = root.join(CACHE_DIR);
        let linked = [&top, &dir].iter().any(|path| {
            std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
        });
        Cache {
            dir: (!linked).then_some(dir),
        }
    }

    fn path(&self, variant: &Variant) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!(
            "{:016x}.{}",
            variant.key,
            variant.format.extension()
        )))
    }

    fn get(&self, variant: &Variant) -> Option<Vec<u8>> {
        std::fs::read(self.path(variant)?)
            .ok()
            .filter(|bytes| !bytes.is_empty())
    }

    /// Writes a copy under a temporary name, then renames it into place (atomic on one
    /// file system): a reader never sees half a file.
    fn put(&self, variant: &Variant, bytes: &[u8]) -> std::io::Result<()> {
        let (Some(dir), Some(path)) = (self.dir.as_ref(), self.path(variant)) else {
            return Err(std::io::Error::other("no cache folder"));
        };
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(
            ".{:016x}.{}.{}.tmp",
            variant.key,
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

/// One image's pixels, ready to resize: RGB, or RGBA when it has an alpha channel.
struct Pixels {
    image: Image<'static>,
    alpha: bool,
}

fn pixels(image: DynamicImage) -> Result<Pixels, String> {
    let alpha = image.color().has_alpha();
    let (width, height) = (image.width(), image.height());
    let (buffer, pixel_type) = if alpha {
        (image.into_rgba8().into_raw(), PixelType::U8x4)
    } else {
        (image.into_rgb8().into_raw(), PixelType::U8x3)
    };
    let image =
        Image::from_vec_u8(width, height, buffer, pixel_type).map_err(|err| err.to_string())?;
    Ok(Pixels { image, alpha })
}

/// Resizes and encodes one copy.
fn make(pixels: &Pixels, variant: &Variant, quality: u8) -> Result<Vec<u8>, String> {
    let source = &pixels.image;
    let resized;
    let image = if (source.width(), source.height()) == (variant.width, variant.height) {
        source
    } else {
        let mut target = Image::new(variant.width, variant.height, source.pixel_type());
        // Lanczos3: the sharpest of the usual filters when shrinking photos; the alpha
        // channel is premultiplied while resizing (the default), so edges do not darken.
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new()
            .resize(source, &mut target, &options)
            .map_err(|err| err.to_string())?;
        resized = target;
        &resized
    };
    let (width, height) = (image.width(), image.height());
    let raw = image.buffer();
    let color = if pixels.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match variant.format {
        Format::Webp => {
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(raw, width, height)
            } else {
                webp::Encoder::from_rgb(raw, width, height)
            };
            // Lossy: `image`'s own WebP encoder is lossless only, three to five times
            // larger for photos.
            let memory = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|err| format!("WebP encoding failed: {err:?}"))?;
            out.extend_from_slice(&memory);
        }
        Format::Jpeg => {
            use image::ImageEncoder;
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(raw, width, height, color)
                .map_err(|err| err.to_string())?;
        }
        Format::Png => {
            use image::ImageEncoder;
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(raw, width, height, color)
                .map_err(|err| err.to_string())?;
        }
    }
    Ok(out)
}

/// A picture that could not be decoded or encoded: (content path, why).
pub(super) type Failure = (String, String);

/// Makes the `missing` copies of each picture into `sink`, from the cache when it has them,
/// else from the source (`source` gives its bytes), decoded once for all its copies.
/// Returns the counts, the pictures that could not be decoded (content path, why), and the
/// files the sink did not take.
pub(super) fn make_all(
    jobs: &[(&Picture, Vec<&Variant>)],
    cache: &Cache,
    quality: u8,
    source: &(dyn Fn(&str) -> Option<std::sync::Arc<Vec<u8>>> + Sync),
    sink: &dyn Sink,
) -> (Stats, Vec<Failure>, Vec<Diagnostic>) {
    let encoded = AtomicUsize::new(0);
    let from_cache = AtomicUsize::new(0);
    let not_cached = AtomicUsize::new(0);
    let results: Vec<(Option<Failure>, Vec<Diagnostic>)> = jobs
        .par_iter()
        .map(|(picture, missing)| {
            let mut problems = Vec::new();
            let put = |variant: &Variant, bytes: Vec<u8>, problems: &mut Vec<Diagnostic>| {
                if let Err(err) = sink.put(&variant.path, bytes) {
                    problems.push(Diagnostic::cannot_write(variant.path.clone(), &err));
                }
            };
            let mut to_encode = Vec::new();
            for &variant in missing {
                match cache.get(variant) {
                    Some(bytes) => {
                        from_cache.fetch_add(1, Ordering::Relaxed);
                        put(variant, bytes, &mut problems);
                    }
                    None => to_encode.push(variant),
                }
            }
            if to_encode.is_empty() {
                return (None, problems);
            }
            let decoded = source(&picture.content_path)
                .ok_or_else(|| "the file could not be read again".to_string())
                .and_then(|bytes| decode(&bytes))
                .and_then(pixels);
            let pixels = match decoded {
                Ok(pixels) => pixels,
                Err(err) => return (Some((picture.content_path.clone(), err)), problems),
            };
            let made: Vec<Result<(&Variant, Vec<u8>), String>> = to_encode
                .par_iter()
                .map(|&variant| make(&pixels, variant, quality).map(|bytes| (variant, bytes)))
                .collect();
            for result in made {
                match result {
                    Ok((variant, bytes)) => {
                        encoded.fetch_add(1, Ordering::Relaxed);
                        if cache.put(variant, &bytes).is_err() {
                            not_cached.fetch_add(1, Ordering::Relaxed);
                        }
                        put(variant, bytes, &mut problems);
                    }
                    Err(err) => return (Some((picture.content_path.clone(), err)), problems),
                }
            }
            (None, problems)
        })
        .collect();
    let mut failed = Vec::new();
    let mut problems = Vec::new();
    for (failure, found) in results {
        failed.extend(failure);
        problems.extend(found);
    }
    let stats = Stats {
        encoded: encoded.into_inner(),
        from_cache: from_cache.into_inner(),
        unchanged: 0,
        not_cached: not_cached.into_inner(),
    };
    (stats, failed, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, y| {
                image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 128])
            }))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
            }))
        };
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn probe_reads_size_and_alpha_and_refuses_what_is_not_an_image() {
        let header = probe(&png(30, 20, true)).unwrap();
        assert_eq!((header.width, header.height, header.alpha), (30, 20, true));
        assert!(!probe(&png(3, 2, false)).unwrap().alpha);
        assert!(probe(b"not an image at all").is_err());
        assert!(probe(b"GIF89a\x01\x00\x01\x00").is_err());
        // A truncated PNG: the header may read, the pixels do not, and nothing panics.
        let mut truncated = png(64, 64, false);
        truncated.truncate(truncated.len() / 2);
        assert!(decode(&truncated).is_err() || probe(&truncated).is_err());
    }

    #[test]
    fn exif_orientation_is_applied_to_the_size() {
        // A JPEG 40×20 whose EXIF says "rotate 90°": upright, it is 20×40.
        let image = DynamicImage::ImageRgb8(image::RgbImage::new(40, 20));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&image)
            .unwrap();
        // APP1 Exif segment, little-endian TIFF with one IFD entry: Orientation (0x0112) = 6.
        let mut exif =
            b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0".to_vec();
        let length = (exif.len() + 2) as u16;
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&length.to_be_bytes());
        segment.append(&mut exif);
        let with_exif: Vec<u8> = jpeg[..2]
            .iter()
            .chain(&segment)
            .chain(&jpeg[2..])
            .copied()
            .collect();
        let header = probe(&with_exif).unwrap();
        assert_eq!((header.width, header.height), (20, 40));
        let decoded = decode(&with_exif).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }
}

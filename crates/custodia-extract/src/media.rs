//! Audio and video: container metadata from `ffprobe` (duration, creation time, codecs, and the
//! GPS position phones write into QuickTime/MP4 as `location` / ISO 6709). `ffprobe` must seek
//! (an MP4's index is often at its end), so it reads a copy in a private memory-backed folder
//! ([`crate::scratch`]), removed as soon as it is done.

use crate::scratch::Scratch;
use crate::tool::run;
use crate::{ExtractError, Extraction, Format, Options, Result};

pub fn is_media(head: &[u8]) -> bool {
    (head.len() > 12 && &head[4..8] == b"ftyp")
        || head.starts_with(b"ID3")
        || head.starts_with(&[0xFF, 0xFB])
        || head.starts_with(b"OggS")
        || head.starts_with(b"fLaC")
        || head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
        || (head.len() > 12
            && &head[..4] == b"RIFF"
            && (&head[8..12] == b"WAVE" || &head[8..12] == b"AVI "))
}

pub fn extract(bytes: &[u8], options: &Options) -> Result<Extraction> {
    let mut extraction = Extraction::new(Format::Media, "media/ffprobe");
    if !options.media {
        return Ok(extraction);
    }
    let scratch = Scratch::new()?;
    let path = scratch.write("media", bytes)?;
    let path_text = path.to_string_lossy();
    let out = run(
        "ffprobe",
        &[
            "-v",
            "error",
            // Only the scratch file: a playlist or reference inside the evidence (HLS, a
            // QuickTime reference movie) must not make the host fetch an address.
            "-protocol_whitelist",
            "file",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            &path_text,
        ],
        &options.limits,
    )?;
    let probe: serde_json::Value =
        serde_json::from_slice(&out).map_err(|e| ExtractError::Tool {
            tool: "ffprobe",
            detail: format!("unreadable output: {e}"),
        })?;
    let format = &probe["format"];
    if let Some(d) = format["duration"]
        .as_str()
        .and_then(|d| d.parse::<f64>().ok())
    {
        extraction.meta("duration_seconds", d);
    }
    if let Some(name) = format["format_name"].as_str() {
        extraction.meta("container", name);
    }
    let tags = &format["tags"];
    if let Some(t) = tags["creation_time"].as_str() {
        extraction.meta("created", t);
    }
    let location = tags["location"]
        .as_str()
        .or_else(|| tags["com.apple.quicktime.location.ISO6709"].as_str());
    if let Some(loc) = location {
        extraction.meta("location_iso6709", loc);
        if let Some((lat, lon)) = parse_iso6709(loc) {
            extraction.meta("gps_latitude", lat);
            extraction.meta("gps_longitude", lon);
        }
    }
    if let Some(streams) = probe["streams"].as_array() {
        let codecs: Vec<String> = streams
            .iter()
            .filter_map(|s| {
                Some(format!(
                    "{}:{}",
                    s["codec_type"].as_str()?,
                    s["codec_name"].as_str()?
                ))
            })
            .collect();
        extraction.meta("streams", codecs);
    }
    extraction.tool_version = format!("custodia-extract {}; ffprobe", crate::VERSION);
    Ok(extraction)
}

/// `+36.3350+043.1189/` → (36.335, 43.1189).
fn parse_iso6709(s: &str) -> Option<(f64, f64)> {
    let s = s.trim_end_matches('/');
    let bytes = s.as_bytes();
    let second = (1..bytes.len()).find(|&i| bytes[i] == b'+' || bytes[i] == b'-')?;
    let lat: f64 = s[..second].parse().ok()?;
    let rest = &s[second..];
    let end = (1..rest.len())
        .find(|&i| rest.as_bytes()[i] == b'+' || rest.as_bytes()[i] == b'-')
        .unwrap_or(rest.len());
    let lon: f64 = rest[..end].parse().ok()?;
    Some((lat, lon))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_playlist_in_the_evidence_makes_no_request() {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let playlist = format!(
            "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:{port}/segment.ts\n#EXT-X-ENDLIST\n"
        );
        // Whether ffprobe reads it or refuses it, nothing may connect.
        let _ = super::extract(playlist.as_bytes(), &crate::Options::default());
        match listener.accept() {
            Ok((mut stream, _)) => {
                let mut asked = String::new();
                let _ = stream.read_to_string(&mut asked);
                panic!("ffprobe connected to the address in the evidence: {asked}");
            }
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock),
        }
    }

    #[test]
    fn iso6709() {
        assert_eq!(
            super::parse_iso6709("+36.3350+043.1189+250.0/"),
            Some((36.335, 43.1189))
        );
        assert_eq!(super::parse_iso6709("-12.5-070.25/"), Some((-12.5, -70.25)));
    }
}

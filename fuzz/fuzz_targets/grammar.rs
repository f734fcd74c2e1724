//! Fuzz the line grammar: any bytes, as one normalised line, must classify without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = flakelog::grammar::classify(data);
    // and after the transport normalisation a line really goes through
    let mut scratch = Vec::new();
    let line = flakelog::input::normalize::normalize(data, &mut scratch);
    let _ = flakelog::grammar::classify(line);
    // and as a line of another dressing would be found
    let mut dressing = flakelog::run::dressing::Dressing::default();
    let undressed = dressing.undress(line);
    if flakelog::grammar::classify(undressed) == flakelog::grammar::LineKind::Other {
        let _ = dressing.redetect(line);
    }
});

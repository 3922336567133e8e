//! Temperature conversions and a few statistics over readings.

/// Converts degrees Celsius to degrees Fahrenheit.
pub fn celsius_to_fahrenheit(celsius: f64) -> f64 {
    return celsius * 9.0 / 5.0 + 32.0;
}

/// Converts degrees Fahrenheit to degrees Celsius.
pub fn fahrenheit_to_celsius(fahrenheit: f64) -> f64 {
    (fahrenheit - 32.0) * 5.0 / 9.0
}

/// The mean of the readings, or `None` when there are none.
pub fn average(readings: &Vec<f64>) -> Option<f64> {
    if readings.len() == 0 {
        return None;
    }
    let mut sum = 0.0;
    for i in 0..readings.len() {
        sum += readings[i];
    }
    Some(sum / readings.len() as f64)
}

/// Whether water freezes at this temperature (Celsius).
pub fn   is_freezing(celsius:f64)->bool{ celsius<=0.0 }

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        assert_eq!(celsius_to_fahrenheit(100.0), 212.0);
        assert_eq!(fahrenheit_to_celsius(212.0), 100.0);
    }

    #[test]
    fn averages_readings() {
        let readings: Vec<f64> = (1..=3).map(f64::from).collect();
        assert_eq!(average(&readings), Some(2.0));
        assert_eq!(average(&Vec::new()), None);
        assert!(is_freezing(-1.0));
    }
}

import HummingbirdTesting
import Testing
@testable import FormFlowReview

{#- One row per cutoff and fitted term: the intercept and each bucket of a
    scored attribute (seed icp_attributes) that var icp_min_support training
    accounts or more have. The coefficients of an L2-regularized logistic
    regression of the training examples (int_icp_training_examples: positives
    won_weight, negatives lost_weight) on the one-hot buckets, all fitted
    together: correlated attributes share their evidence instead of counting it
    twice. An unknown value has no row, so it adds nothing. The penalty is
    var icp_prior_strength x p0 (1 - p0) per bucket coefficient (the curvature of
    that many pseudo-accounts at the base rate p0; the intercept is free), fitted
    by var icp_fit_steps block Newton steps, one attribute at a time
    (logistic_fit_steps) from the starting rows of int_icp_fit_terms. -#}
with

fit_start as (
    select * from {{ ref('int_icp_fit_terms') }}
),

{{ logistic_fit_steps('fit_start', var('icp_fit_steps'), relation=ref('int_icp_fit_terms')) }},

coefficients as (
    select
        group_key as cutoff_name,
        feature_key,
        max(case when l2_penalty = 0 then 1 else 0 end) as is_intercept,
        max(beta) as coefficient,
        max(feature_rows) as support  -- noqa: RF04
    from fit_{{ var('icp_fit_steps') }}
    group by
        group_key,
        feature_key
),

feature_names as (
    select distinct
        group_key as cutoff_name,
        attribute_name,
        bucket,
        feature_key
    from fit_start
),

final as (
    select
        coefficients.cutoff_name,
        cast(coalesce(feature_names.attribute_name, 'intercept') as {{ dbt.type_string() }}) as attribute_name,
        cast(coalesce(feature_names.bucket, 'intercept') as {{ dbt.type_string() }}) as bucket,
        cast(coefficients.coefficient as {{ type_double() }}) as coefficient,
        cast(coefficients.support as {{ dbt.type_int() }}) as support,  -- noqa: RF04
        coefficients.is_intercept = 1 as is_intercept
    from coefficients
    left join feature_names
        on
            coefficients.cutoff_name = feature_names.cutoff_name
            and coefficients.feature_key = feature_names.feature_key
)

select * from final
